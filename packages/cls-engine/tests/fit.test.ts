import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginRegistry, createLogger, type Logger } from '@nextplay/cls-core';
import { enginePlugins, fit, loadCheckpointModel, loadTrainerState } from '../src/index.js';
import { backendPlugins } from './helpers/backendPlugins.js';
import { mixedPrecisionBackendPlugin } from './helpers/mixedPrecisionBackend.js';
import { quadrantsDatasetPlugin } from './helpers/quadrantsDataset.js';
import { recorderPlugin, type Recorder } from './helpers/recorderCallback.js';
import { runConfig } from './helpers/runConfig.js';
import { tinyConvModelPlugin } from './helpers/tinyConvModel.js';

function quietLogger(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const logger = createLogger({ console: false });
  logger.addReporter({ log: (entry) => messages.push(`${entry.type}: ${entry.args.map(String).join(' ')}`) });
  return { logger, messages };
}

describe('fit', () => {
  let runDir: string;
  let recorders: Recorder[];
  let registry: PluginRegistry;

  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'cls-engine-fit-'));
    recorders = [];
    registry = new PluginRegistry().register(
      ...enginePlugins,
      ...backendPlugins,
      quadrantsDatasetPlugin,
      tinyConvModelPlugin,
      recorderPlugin(recorders),
    );
  });

  afterEach(async () => {
    await rm(runDir, { recursive: true, force: true });
  });

  it('trains on wasm to high accuracy, logs, checkpoints, tests with the best checkpoint, leaks nothing', async () => {
    const { logger, messages } = quietLogger();
    const results = await fit({
      config: runConfig({ callbacks: { recorder: {} } }),
      registry,
      runDir,
      logger,
    });
    const recorder = recorders[0]!;

    expect(results.backend).toBe('wasm');
    expect(
      messages.some((m) => m.includes('backend: wasm, 1 thread (@tensorflow/tfjs-node is not installed)')),
    ).toBe(true);
    expect(results['test/acc']).toBeGreaterThanOrEqual(0.9);
    expect(results['val/acc']).toBeGreaterThanOrEqual(0.9);
    expect(results.epochs_trained).toBe(3);
    expect(results.global_step).toBe(24);
    expect(results.precision).toBe('32-true');
    expect(results.classes).toEqual(['top-left', 'top-right', 'bottom-left', 'bottom-right']);
    expect(results.best_model_path).toBe(join(runDir, 'checkpoints', 'best'));
    expect(results.best_model_score).toBe(
      results['val/acc'] === null ? null : recorder.summary().best_model_score,
    );
    // Summaries are taken for results.json, before the one hook that follows it (onRunEnd).
    expect(results.recorder_hooks).toBe(recorder.hooks.length - 1);
    const hookSeconds = results.callback_seconds as Record<string, number>;
    expect(Object.keys(hookSeconds)).toEqual(['recorder']);
    expect(hookSeconds.recorder).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8'))).toEqual(results);
    const perClass = results['test/per_class'] as Record<
      string,
      { f1: number; recall: number; support: number }
    >;
    expect(Object.keys(perClass)).toEqual(results.classes);
    expect(Object.values(perClass).map((m) => m.support)).toEqual([10, 10, 10, 10]);
    const f1s = Object.values(perClass).map((m) => m.f1);
    expect(results['test/f1_macro']).toBeCloseTo(f1s.reduce((a, b) => a + b) / 4, 12);
    const recalled = Object.values(perClass).reduce((sum, m) => sum + m.recall * m.support, 0);
    expect(results['test/acc']).toBeCloseTo(recalled / 40, 12);
    expect(results['test/acc_top5']).toBeNull();
    expect(results['val/f1_macro']).toBeGreaterThan(0.8);

    const csv = (await readFile(join(runDir, 'metrics.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('epoch,step,train/loss,train/acc,val/loss,val/acc,val/f1_macro,recorder/lr');
    expect(csv).toHaveLength(4);
    expect(csv[3]!.split(',').slice(0, 2)).toEqual(['2', '24']);
    const trainLosses = csv.slice(1).map((row) => Number(row.split(',')[2]));
    expect(trainLosses[2]).toBeLessThan(trainLosses[0]!);

    const epochHooks = recorder.hooks.filter((h) => h !== 'onTrainBatchEnd' && !h.endsWith('BatchEnd'));
    expect(epochHooks).toEqual([
      'onFitStart',
      ...Array.from({ length: 3 }, () => [
        'onTrainEpochStart',
        'onValidationStart',
        'onValidationEnd',
        'onTrainEpochEnd',
      ]).flat(),
      'onFitEnd',
      'onTestStart',
      'onTestEnd',
      'onRunEnd',
    ]);
    expect(recorder.hooks.filter((h) => h === 'onTrainBatchEnd')).toHaveLength(24);
    expect(recorder.hooks.filter((h) => h === 'onTestBatchEnd')).toHaveLength(3);
    expect(recorder.tensorsAtEpochEnd[2]).toBe(recorder.tensorsAtEpochEnd[0]);

    const best = join(runDir, 'checkpoints', 'best');
    expect((await readdir(best)).sort()).toEqual([
      'model.json',
      'trainer_state.json',
      'training_state.bin',
      'weights.bin',
    ]);
    expect((await readdir(join(runDir, 'checkpoints'))).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const state = await loadTrainerState(best);
    expect(state.classes).toEqual(results.classes);
    expect(state.image_size).toBe(8);
    const restored = await loadCheckpointModel(best);
    const logits = tf.tidy(() => restored.predict(tf.zeros([2, 8, 8, 3])) as tf.Tensor);
    expect(logits.shape).toEqual([2, 4]);
    tf.dispose(logits);
    restored.dispose();
  });

  it('falls back to float32 with one warning, honours batch limits and early stopping', async () => {
    const { logger, messages } = quietLogger();
    const config = runConfig({
      trainer: { precision: '16-mixed', limit_train_batches: 2, limit_val_batches: 0.5, max_epochs: 5 },
      callbacks: { recorder: { stop_after_epoch: 1 } },
      optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 },
      scheduler: { name: 'constant' },
    });
    const results = await fit({ config, registry, runDir, logger });
    expect(
      messages.filter((m) =>
        m.includes(
          'precision 16-mixed is not available: the wasm backend computes in float32 only; training in 32-true',
        ),
      ),
    ).toHaveLength(1);
    expect(messages.filter((m) => m.includes('precision'))).toHaveLength(1);
    expect(results.precision).toBe('32-true');
    expect(results.requested_precision).toBe('16-mixed');
    expect(results.epochs_trained).toBe(2);
    expect(results.global_step).toBe(4);
    expect(results.stopped_early).toBe('recorder asked to stop');
    expect(recorders[0]!.hooks.filter((h) => h === 'onValidationBatchEnd')).toHaveLength(2 * 1);
  });

  it('keeps the fallback warning for precisions no backend offers', async () => {
    const { logger, messages } = quietLogger();
    const config = runConfig({ trainer: { precision: 'bf16-mixed', max_epochs: 1, limit_train_batches: 1 } });
    const results = await fit({ config, registry, runDir, logger });
    expect(messages.filter((m) => m.includes('precision'))).toEqual([
      'warn: precision bf16-mixed is not supported by TensorFlow.js; training in 32-true',
    ]);
    expect(results.precision).toBe('32-true');
    expect(results.loss_scale).toBeUndefined();
  });

  it('hands trainer.benchmark to the backend for the run, and turns it off after', async () => {
    const benchmarks: boolean[] = [];
    registry.register(mixedPrecisionBackendPlugin([], benchmarks));
    const { logger } = quietLogger();
    const short = { max_epochs: 1, limit_train_batches: 1, limit_val_batches: 1, limit_test_batches: 1 };
    await fit({ config: runConfig({ trainer: { ...short, benchmark: true } }), registry, runDir, logger });
    expect(benchmarks).toEqual([true, false]);
    benchmarks.length = 0;
    const runDir2 = join(runDir, 'default');
    await fit({ config: runConfig({ trainer: short }), registry, runDir: runDir2, logger });
    expect(benchmarks).toEqual([false, false]);
  });

  it('trains in 16-mixed with loss scaling where the backend has float16 kernels, and resumes the scale', async () => {
    const modes: boolean[] = [];
    registry.register(mixedPrecisionBackendPlugin(modes));
    const { logger, messages } = quietLogger();
    const config = runConfig({ trainer: { precision: '16-mixed' }, callbacks: { recorder: {} } });
    const results = await fit({ config, registry, runDir, logger });

    expect(results.backend).toBe('mixed_cpu');
    expect(messages.filter((m) => m.includes('precision'))).toEqual([
      'info: precision: 16-mixed (float16 convolutions and matrix products, float32 weights, dynamic loss scaling)',
    ]);
    expect(modes).toEqual([true, false]); // switched back to float32 once the run is over
    expect(results.precision).toBe('16-mixed');
    expect(results.requested_precision).toBe('16-mixed');
    expect(results.loss_scale).toBe(65536);
    expect(results.skipped_steps).toBe(0);
    expect(results.global_step).toBe(24);
    expect(results['test/acc']).toBeGreaterThanOrEqual(0.9);
    expect(results['val/acc']).toBeGreaterThanOrEqual(0.9);

    const best = join(runDir, 'checkpoints', 'best');
    const state = await loadTrainerState(best);
    expect(state.resume?.grad_scaler).toEqual({
      scale: 65536,
      growth_tracker: state.global_step,
      skipped_steps: 0,
    });
    const statePath = join(best, 'trainer_state.json');
    const written = JSON.parse(await readFile(statePath, 'utf8')) as { resume: Record<string, unknown> };
    const withScale = (gradScaler: unknown) =>
      writeFile(
        statePath,
        JSON.stringify({ ...written, resume: { ...written.resume, grad_scaler: gradScaler } }),
      );
    await withScale({ scale: 1024, growth_tracker: 5, skipped_steps: 2 });
    const resumed = await fit({ config: { ...config, ckpt_path: 'best' }, registry, runDir, logger });
    expect(resumed.resumed_from).toBe(best);
    expect(resumed.loss_scale).toBe(1024);
    expect(resumed.skipped_steps).toBe(2);

    await withScale({ scale: -1, growth_tracker: 5, skipped_steps: 2 });
    await expect(loadTrainerState(best)).rejects.toThrow(
      `checkpoint file ${statePath}: resume.grad_scaler is not a positive scale with non-negative integer growth_tracker and skipped_steps`,
    );

    modes.length = 0;
    const float32 = await fit({
      config: runConfig({ trainer: { max_epochs: 1, limit_train_batches: 1 } }),
      registry,
      runDir: join(runDir, 'float32'),
      logger,
    });
    expect(float32.precision).toBe('32-true');
    expect(float32.loss_scale).toBeUndefined();
    expect(modes).toEqual([false, false]);
  });

  it('stops with TRAINING_DIVERGED when the loss is not finite, after calling onException', async () => {
    const { logger } = quietLogger();
    const config = runConfig({
      optimizer: { name: 'sgd', lr: 1e30, momentum: 0 },
      scheduler: { name: 'constant' },
      callbacks: { recorder: {} },
    });
    await expect(fit({ config, registry, runDir, logger })).rejects.toMatchObject({
      code: 'TRAINING_DIVERGED',
    });
    expect(recorders[0]!.hooks.at(-1)).toBe('onException');
  });

  it('names the callback and hook when a callback throws', async () => {
    const { logger } = quietLogger();
    const config = runConfig({ callbacks: { recorder: { fail_in: 'onTrainEpochStart' } } });
    await expect(fit({ config, registry, runDir, logger })).rejects.toThrow(
      '[recorder] onTrainEpochStart failed: recorder failed on purpose',
    );
  });

  it('finishes the current step and returns interrupted results when aborted', async () => {
    const { logger } = quietLogger();
    const controller = new AbortController();
    const results = await fit({
      config: runConfig({
        callbacks: {
          recorder: {
            on_batch_end: () => {
              controller.abort();
            },
          },
        },
      }),
      registry,
      runDir,
      logger,
      signal: controller.signal,
    });
    expect(results.interrupted).toBe(true);
    expect(results.global_step).toBe(1);
    expect(results['test/acc']).toBeNull();
    expect((await loadTrainerState(join(runDir, 'checkpoints', 'last'))).global_step).toBe(1);
  });

  it('reports top-5 accuracy when the model has five or more classes', async () => {
    const { logger } = quietLogger();
    const results = await fit({
      config: runConfig({ model: { num_classes: 6 }, trainer: { max_epochs: 1, limit_train_batches: 2 } }),
      registry,
      runDir,
      logger,
    });
    const top5 = results['test/acc_top5'] as number;
    expect(top5).toBeGreaterThanOrEqual(results['test/acc'] as number);
    expect(top5).toBeLessThanOrEqual(1);
    const csv = (await readFile(join(runDir, 'metrics.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('epoch,step,train/loss,train/acc,val/loss,val/acc,val/acc_top5,val/f1_macro');
  });
});
