import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  composeConfig,
  resolveConfig,
  resolveRunDir,
  toYaml,
  validateConfig,
  writeRunConfig,
} from '../src/index.js';
import { CONFIGS } from './helpers.js';
import { createTestRegistry } from './testRegistry.js';

const registry = createTestRegistry();
const NOW = new Date(2024, 2, 5, 7, 8, 9);
const temp = mkdtempSync(join(tmpdir(), 'cls-config-run-'));
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

/**
 * compose → run dir → resolve → validate → write, as `cls train` does; `writeTo` differs from the output dir
 * only so that two runs with the same output dir can be compared.
 */
function runOnce(name: string, overrides: readonly string[], writeTo = name) {
  const composed = composeConfig({ configDirs: [CONFIGS], configName: 'train', overrides });
  const runDir = resolveRunDir(composed.config, { now: NOW });
  const outputDir = join(temp, name);
  // A run records its config as composed, once it has resolved and validated.
  validateConfig(resolveConfig(composed.config, { outputDir, cwd: '/work', now: NOW }), registry);
  const files = writeRunConfig(join(temp, writeTo), {
    config: composed.config,
    overrides: composed.overrides,
    hydra: {
      runDir,
      choices: composed.choices,
      configName: 'train',
      version: '0.1.0',
      outputDir,
      cwd: '/work',
    },
  });
  return { files, runDir, outputDir };
}

describe('writeRunConfig', () => {
  it('writes config.yaml, overrides.yaml and hydra.yaml as Hydra does', () => {
    const overrides = [
      'experiment=mnist',
      'trainer.max_epochs=2',
      "data.root='/data/my mnist'",
      'hydra.verbose=true',
    ];
    const { files, runDir, outputDir } = runOnce('first', overrides);
    expect(files.config).toBe(join(outputDir, '.hydra', 'config.yaml'));

    const configText = readFileSync(files.config, 'utf8');
    expect(
      configText.startsWith(
        'task_name: train\nseed: 12345\nplugins: []\nckpt_path: null\ntransforms:\n  train: []\n  eval: []\n  batch: []\ndata:\n  name: mnist\n',
      ),
    ).toBe(true);
    const config = parse(configText) as Record<string, Record<string, unknown>>;
    expect(config).not.toHaveProperty('hydra');
    expect(config.trainer).toMatchObject({ max_epochs: 2 });
    expect(config.data).toMatchObject({ root: '/data/my mnist' });
    expect(config.paths).toMatchObject({ output_dir: '${hydra:runtime.output_dir}' });

    expect(parse(readFileSync(files.overrides, 'utf8'))).toEqual(overrides.slice(0, 3));
    expect(parse(readFileSync(files.hydra, 'utf8'))).toEqual({
      hydra: {
        run: { dir: runDir },
        // As Hydra's hydra.yaml: the node as composed; the run's own directories are run.dir and runtime.
        sweep: { dir: 'multirun/${now:%Y-%m-%d}/${now:%H-%M-%S}', subdir: '${hydra.job.num}' },
        launcher: { name: 'basic' },
        verbose: true,
        overrides: { hydra: ['hydra.verbose=true'], task: overrides.slice(0, 3) },
        job: {
          num: 0,
          override_dirname: "data.root='/data/my mnist',experiment=mnist,trainer.max_epochs=2",
          name: 'train',
          config_name: 'train',
        },
        runtime: {
          version: '0.1.0',
          cwd: '/work',
          output_dir: outputDir,
          choices: {
            data: 'mnist',
            model: 'resnet18',
            optimizer: 'adam',
            scheduler: 'cosine',
            trainer: 'default',
            transforms: 'none',
            callbacks: 'default',
            paths: 'default',
            hydra: 'default',
            'hydra/launcher': 'basic',
            experiment: 'mnist',
          },
        },
      },
    });
  });

  it('recomposes byte-identical config.yaml from overrides.yaml', () => {
    const overrides = [
      'experiment=mnist',
      'model=resnet50',
      '+model.dropout=0.1',
      '~callbacks.lr_monitor',
      'data.mean=[0.5, 0.5, 0.5]',
      'callbacks.model_checkpoint.monitor="val/loss, smoothed"',
      '++tags=[a, "b c", 3]',
      "data.root='~/data'",
    ];
    const first = runOnce('again-1', overrides);
    const recorded = parse(readFileSync(first.files.overrides, 'utf8')) as string[];
    expect(recorded).toEqual(overrides);
    const second = runOnce('again-2', recorded);
    expect(second.files.config).not.toBe(first.files.config);
    const configText = readFileSync(first.files.config, 'utf8');
    expect(configText).toContain('dropout: 0.1');
    expect(readFileSync(second.files.config, 'utf8')).toBe(configText);
    expect(readFileSync(second.files.overrides, 'utf8')).toBe(readFileSync(first.files.overrides, 'utf8'));
  });
});

describe('toYaml', () => {
  it('keeps key order and writes shared objects out in full', () => {
    const shared = { a: 1 };
    expect(toYaml({ z: shared, a: [shared], m: null, s: '1e-3', n: 1e-8 })).toBe(
      'z:\n  a: 1\na:\n  - a: 1\nm: null\ns: "1e-3"\nn: 1e-8\n',
    );
  });
});
