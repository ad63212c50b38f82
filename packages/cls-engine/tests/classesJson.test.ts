import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginRegistry, createLogger } from '@nextplay/cls-core';
import { CLASSES_JSON, enginePlugins, fit, loadTrainerState } from '../src/index.js';
import { backendPlugins } from './helpers/backendPlugins.js';
import { linearModelPlugin } from './helpers/linearModel.js';
import { runConfig } from './helpers/runConfig.js';
import { tableDatasetPlugin } from './helpers/tableDataset.js';

describe('classes.json', () => {
  let runDir: string;

  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'cls-engine-classes-'));
  });

  afterEach(async () => {
    await rm(runDir, { recursive: true, force: true });
  });

  it('records the index→class map in the run directory and the same list in the checkpoints', async () => {
    const registry = new PluginRegistry().register(
      ...enginePlugins,
      ...backendPlugins,
      tableDatasetPlugin,
      linearModelPlugin,
    );
    const config = runConfig({
      data: {
        name: 'table',
        classes: ['00', '7', 'número_7'],
        train: [
          [1, 2, 0, 0],
          [0, 1, -1, 1],
          [2, 0, 1, 2],
        ],
        batch_size: 3,
      },
      model: { arch: 'zero_linear', num_classes: 3 },
      optimizer: { name: 'sgd', lr: 0.1, weight_decay: 0, momentum: 0 },
      scheduler: { name: 'constant', warmup_epochs: 0 },
      trainer: { max_epochs: 1 },
    });
    // Interrupted at once, the run still writes checkpoints/last.
    const controller = new AbortController();
    controller.abort();
    await fit({
      config,
      registry,
      runDir,
      logger: createLogger({ console: false }),
      signal: controller.signal,
    });
    const map = JSON.parse(await readFile(join(runDir, CLASSES_JSON), 'utf8')) as unknown;
    expect(map).toEqual({ 0: '00', 1: '7', 2: 'número_7' });
    const state = await loadTrainerState(join(runDir, 'checkpoints', 'last'));
    expect(state.classes).toEqual(['00', '7', 'número_7']);
  });
});
