import { mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginRegistry, createLogger, type ClsConfig } from '@nextplay/cls-core';
import {
  enginePlugins,
  fit,
  loadCheckpointModel,
  loadTrainerState,
  saveCheckpoint,
  type RunResults,
} from '../src/index.js';
import { backendPlugins } from './helpers/backendPlugins.js';
import { quadrantsDatasetPlugin } from './helpers/quadrantsDataset.js';
import { recorderPlugin, type Recorder } from './helpers/recorderCallback.js';
import { runConfig } from './helpers/runConfig.js';
import { tinyConvModelPlugin } from './helpers/tinyConvModel.js';

const TEST_METRICS = ['test/acc', 'test/loss', 'test/acc_top5', 'test/f1_macro', 'test/per_class'];

describe('resuming with ckpt_path', () => {
  let root: string;
  let recorders: Recorder[];
  let registry: PluginRegistry;
  let batchCalls: number;
  let abortAfter: number | undefined;
  let controller: AbortController;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'cls-engine-resume-'));
    recorders = [];
    batchCalls = 0;
    abortAfter = undefined;
    controller = new AbortController();
    registry = new PluginRegistry().register(
      ...enginePlugins,
      ...backendPlugins,
      quadrantsDatasetPlugin,
      tinyConvModelPlugin,
      recorderPlugin(recorders),
    );
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A run whose optimizer, scheduler and controls all carry state across steps. */
  function config(overrides: Partial<Parameters<typeof runConfig>[0]> = {}): ClsConfig {
    return runConfig({
      data: { train_size: 96 },
      optimizer: { name: 'adamw', lr: 0.01, weight_decay: 0.01 },
      scheduler: { name: 'cosine', warmup_epochs: 0.5, warmup_start_factor: 0.1, min_lr: 0 },
      trainer: {
        max_epochs: 3,
        accumulate_grad_batches: 2,
        gradient_clip_val: 1,
        label_smoothing: 0.1,
      },
      callbacks: {
        recorder: {
          record_batches: true,
          on_batch_end: () => {
            batchCalls += 1;
            if (batchCalls === abortAfter) controller.abort();
          },
        },
      },
      ...overrides,
    });
  }

  async function run(runDir: string, runConfigValue: ClsConfig, signal?: AbortSignal): Promise<RunResults> {
    const logger = createLogger({ console: false });
    return fit({ config: runConfigValue, registry, runDir, logger, ...(signal ? { signal } : {}) });
  }

  function testMetrics(results: RunResults): Record<string, unknown> {
    return Object.fromEntries(TEST_METRICS.map((key) => [key, results[key]]));
  }

  async function finalWeights(checkpoint: string): Promise<number[][]> {
    const model = await loadCheckpointModel(checkpoint);
    try {
      return model.getWeights().map((w) => Array.from(w.dataSync()));
    } finally {
      model.dispose();
    }
  }

  it('continues a run interrupted in epoch 2 of 3 to the same metrics, to the last digit', async () => {
    const reference = await run(join(root, 'reference'), config());
    const referenceBatches = recorders[0]!.batches;

    const runDir = join(root, 'interrupted');
    batchCalls = 0;
    abortAfter = 6 + 3; // 6 batches per epoch: abort in epoch 1 (0-based) after batch 3, mid accumulation group
    const interrupted = await run(runDir, config(), controller.signal);
    expect(interrupted.interrupted).toBe(true);
    const last = join(runDir, 'checkpoints', 'last');
    const state = await loadTrainerState(last);
    // The abort waits for the step that completes the group of two, so batch 3 (0-based) ends it.
    expect(state.resume).toMatchObject({ epoch: 1, batches_done: 4, validated: false });
    expect(state.global_step).toBe(5);

    const resumed = await run(runDir, config({ ckpt_path: 'last' }));
    expect(resumed.resumed_from).toBe(last);
    expect(testMetrics(resumed)).toEqual(testMetrics(reference));
    expect(resumed.global_step).toBe(reference.global_step);
    expect(resumed.epochs_trained).toBe(reference.epochs_trained);
    expect(resumed['val/acc']).toBe(reference['val/acc']);
    expect(resumed.best_model_path).toBe(join(runDir, 'checkpoints', 'best'));
    // Every batch after the interruption saw the same loss and learning rate as in the uninterrupted run.
    const interruptedBatches = recorders[1]!.batches;
    expect([...interruptedBatches, ...recorders[2]!.batches]).toEqual(referenceBatches);
    expect(await readFile(join(runDir, 'metrics.csv'), 'utf8')).toEqual(
      await readFile(join(root, 'reference', 'metrics.csv'), 'utf8'),
    );
    expect(await finalWeights(join(runDir, 'checkpoints', 'best'))).toEqual(
      await finalWeights(join(root, 'reference', 'checkpoints', 'best')),
    );
  });

  it('resumes from a checkpoint written at validation (ckpt_path=best), finishing that epoch first', async () => {
    const constant = { scheduler: { name: 'constant', warmup_epochs: 0 } };
    const reference = await run(join(root, 'reference'), config(constant));
    const runDir = join(root, 'short');
    await run(runDir, config({ ...constant, trainer: { ...config().trainer, max_epochs: 1 } }));
    const best = join(runDir, 'checkpoints', 'best');
    expect((await loadTrainerState(best)).resume).toMatchObject({
      epoch: 0,
      batches_done: 6,
      validated: true,
    });
    await rm(join(runDir, 'metrics.csv'));

    const resumed = await run(runDir, config({ ...constant, ckpt_path: 'best' }));
    expect(testMetrics(resumed)).toEqual(testMetrics(reference));
    // Epoch 0's row is rebuilt from the checkpoint, including what onTrainEpochEnd logs after the save.
    expect(await readFile(join(runDir, 'metrics.csv'), 'utf8')).toEqual(
      await readFile(join(root, 'reference', 'metrics.csv'), 'utf8'),
    );
  });

  it('validates within epochs with val_check_interval, and resumes after such a validation', async () => {
    const every3 = (extra: Partial<ClsConfig['trainer']> = {}) =>
      config({ trainer: { ...config().trainer, val_check_interval: 0.5, ...extra } });
    const reference = await run(join(root, 'reference'), every3());
    const hooks = recorders[0]!.hooks;
    expect(hooks.filter((h) => h === 'onValidationEnd')).toHaveLength(6);
    expect(hooks.slice(hooks.indexOf('onTrainEpochStart'), hooks.indexOf('onTrainEpochEnd'))).toEqual([
      'onTrainEpochStart',
      'onTrainBatchEnd',
      'onTrainBatchEnd',
      'onTrainBatchEnd',
      'onTrainBatchEnd',
      'onValidationStart',
      'onValidationBatchEnd',
      'onValidationBatchEnd',
      'onValidationEnd',
      'onTrainBatchEnd',
      'onTrainBatchEnd',
      'onValidationStart',
      'onValidationBatchEnd',
      'onValidationBatchEnd',
      'onValidationEnd',
    ]);

    const runDir = join(root, 'interrupted');
    batchCalls = 0;
    abortAfter = 6 + 5;
    await run(runDir, every3(), controller.signal);
    expect((await loadTrainerState(join(runDir, 'checkpoints', 'last'))).resume).toMatchObject({
      epoch: 1,
      batches_done: 6,
      validated: false,
    });
    const resumed = await run(runDir, { ...every3(), ckpt_path: 'last' });
    expect(testMetrics(resumed)).toEqual(testMetrics(reference));
    expect(() => every3({ val_check_interval: 2.5 })).not.toThrow();
    await expect(run(join(root, 'bad'), every3({ val_check_interval: 2.5 }))).rejects.toThrow(
      'trainer.val_check_interval must be a fraction in (0, 1] or an integer number of batches > 1; got 2.5',
    );
    await expect(run(join(root, 'bad'), every3({ val_check_interval: 7 }))).rejects.toThrow(
      'trainer.val_check_interval=7 is more than the 6 training batches of an epoch',
    );
  });

  it('names the problem when a checkpoint cannot be resumed from', async () => {
    await expect(run(join(root, 'none'), config({ ckpt_path: 'last' }))).rejects.toMatchObject({
      code: 'CHECKPOINT_NOT_FOUND',
      message: `ckpt_path=last: ${join(root, 'none', 'checkpoints', 'last')} does not exist (resume in the interrupted run's directory: the same hydra.run.dir=<run dir> as that run)`,
    });
    await expect(run(root, config({ ckpt_path: join(root, 'elsewhere') }))).rejects.toMatchObject({
      code: 'CHECKPOINT_NOT_FOUND',
      message: `checkpoint ${join(root, 'elsewhere')} has no trainer_state.json`,
    });
    const runDir = join(root, 'run');
    await run(runDir, config({ trainer: { ...config().trainer, max_epochs: 1 } }));
    await expect(run(runDir, { ...config({ ckpt_path: 'best' }), seed: 7 })).rejects.toThrow(
      `checkpoint ${join(runDir, 'checkpoints', 'best')} was trained with seed=42, this run has seed=7; resume with seed=42`,
    );
    // A checkpoint without resume state (an export) can initialise weights elsewhere, but not resume.
    const exported = join(root, 'exported');
    const model = await loadCheckpointModel(join(runDir, 'checkpoints', 'best'));
    await saveCheckpoint(model, exported, await loadTrainerState(join(runDir, 'checkpoints', 'best')));
    model.dispose();
    await expect(run(runDir, config({ ckpt_path: exported }))).rejects.toThrow(
      `checkpoint ${exported} has no resume state (written by an export or an older version); it can initialise weights but not resume`,
    );
  });

  it('reads a checkpoint whose save was killed between moving the old one aside and renaming the new one', async () => {
    const runDir = join(root, 'run');
    await run(runDir, config({ trainer: { ...config().trainer, max_epochs: 1 } }));
    const checkpoints = join(runDir, 'checkpoints');
    const expected = await finalWeights(join(checkpoints, 'best'));
    // The state a kill leaves: `best` moved to best.old-*, the complete new copy still at best.tmp-*.
    await rename(join(checkpoints, 'best'), join(checkpoints, 'best.old-1-1'));
    expect(await finalWeights(join(checkpoints, 'best'))).toEqual(expected);
    expect((await loadTrainerState(join(checkpoints, 'best'))).global_step).toBe(3);
    // The next save of `best` removes the leftovers.
    const model = await loadCheckpointModel(join(checkpoints, 'best'));
    await saveCheckpoint(model, join(checkpoints, 'best'), await loadTrainerState(join(checkpoints, 'best')));
    model.dispose();
    expect((await readdir(checkpoints)).filter((name) => name.startsWith('best'))).toEqual(['best']);
  });
});
