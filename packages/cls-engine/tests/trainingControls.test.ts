import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginRegistry, createLogger, type ClsConfig, type Logger } from '@nextplay/cls-core';
import { enginePlugins, fit, loadCheckpointModel, loadTrainerState } from '../src/index.js';
import { backendPlugins } from './helpers/backendPlugins.js';
import { linearModelPlugin } from './helpers/linearModel.js';
import { probePlugin, type Probe, type ProbeOptions } from './helpers/probeCallback.js';
import { runConfig } from './helpers/runConfig.js';
import { tableDatasetPlugin, type TableRow } from './helpers/tableDataset.js';

// With W = 0 and b = 0 the softmax is uniform, so d(mean CE)/d(logits) = (½ − one_hot) / batch size.
// For S1 and S2 together: dW = Σ xᵢ ⊗ (p − yᵢ) / 2 = [[−¼, ¼], [−¼, ¼], [−¼, ¼]], db = [0, 0],
// a global L2 norm of √(6/16) = √0.375. SGD with lr 1 then sets W = −dW.
const S1: TableRow = [1, 2, 0, 0];
const S2: TableRow = [0, 1, -1, 1];
const S3: TableRow = [2, 0, 1, 1];

/** The kernel [3, 2] flattened row by row, then the bias, as W rows [a, −a] and b = 0. */
function linearWeights(a: number): number[][] {
  return [
    [a, -a, a, -a, a, -a],
    [0, 0],
  ];
}

function quietLogger(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const logger = createLogger({ console: false });
  logger.addReporter({ log: (entry) => messages.push(`${entry.type}: ${entry.args.map(String).join(' ')}`) });
  return { logger, messages };
}

function expectWeights(actual: number[][], expected: number[][]): void {
  expect(actual.map((w) => w.length)).toEqual(expected.map((w) => w.length));
  actual.forEach((weight, i) => {
    weight.forEach((value, j) => {
      expect(value).toBeCloseTo(expected[i]![j]!, 6);
    });
  });
}

describe('gradient clipping, accumulation, label smoothing and interruption in fit', () => {
  let runDir: string;
  let probes: Probe[];
  let registry: PluginRegistry;

  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'cls-engine-controls-'));
    probes = [];
    registry = new PluginRegistry().register(
      ...enginePlugins,
      ...backendPlugins,
      tableDatasetPlugin,
      linearModelPlugin,
      probePlugin(probes),
    );
  });

  afterEach(async () => {
    await rm(runDir, { recursive: true, force: true });
  });

  async function train(
    options: {
      trainer?: Partial<ClsConfig['trainer']>;
      train?: readonly TableRow[];
      test?: readonly TableRow[];
      batchSize?: number;
      probe?: ProbeOptions;
      scheduler?: Record<string, unknown>;
      lr?: number;
      signal?: AbortSignal;
    } = {},
  ) {
    const { logger, messages } = quietLogger();
    const config = runConfig({
      data: {
        name: 'table',
        classes: ['a', 'b'],
        train: options.train ?? [S1, S2],
        ...(options.test === undefined ? {} : { test: options.test }),
        batch_size: options.batchSize ?? 2,
      },
      model: { arch: 'zero_linear' },
      optimizer: { name: 'sgd', lr: options.lr ?? 1, weight_decay: 0, momentum: 0 },
      scheduler: options.scheduler ?? { name: 'constant', warmup_epochs: 0 },
      trainer: { max_epochs: 1, ...options.trainer },
      callbacks: { probe: { ...options.probe } },
    });
    const results = await fit({
      config,
      registry,
      runDir,
      logger,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return { results, messages, probe: probes.at(-1)! };
  }

  it('takes a plain SGD step of −dW without any of the controls', async () => {
    const { results, probe } = await train();
    expectWeights(probe.weights, linearWeights(0.25));
    expect(results.global_step).toBe(1);
  });

  it('smooths labels as torch does: targets (1 − ε)·one_hot + ε/K scale uniform-softmax gradients by 1 − ε', async () => {
    const { probe } = await train({ trainer: { label_smoothing: 0.2 } });
    expectWeights(probe.weights, linearWeights(0.25 * 0.8));
  });

  it('clips by the global norm like clip_grad_norm_, and leaves gradients under the limit alone', async () => {
    const norm = Math.sqrt(0.375);
    const clipped = await train({ trainer: { gradient_clip_val: 0.3 } });
    expectWeights(clipped.probe.weights, linearWeights((0.25 * 0.3) / (norm + 1e-6)));
    const unclipped = await train({ trainer: { gradient_clip_val: 1 } });
    expectWeights(unclipped.probe.weights, linearWeights(0.25));
    const off = await train({ trainer: { gradient_clip_val: 0, gradient_clip_algorithm: 'value' } });
    expectWeights(off.probe.weights, linearWeights(0.25));
  });

  it('clips each value to ±gradient_clip_val with the value algorithm', async () => {
    const { probe } = await train({ trainer: { gradient_clip_val: 0.1, gradient_clip_algorithm: 'value' } });
    expectWeights(probe.weights, linearWeights(0.1));
  });

  it('averages the gradients of accumulate_grad_batches batches into one step', async () => {
    const { results, probe } = await train({ batchSize: 1, trainer: { accumulate_grad_batches: 2 } });
    expectWeights(probe.weights, linearWeights(0.25));
    expect(results.global_step).toBe(1);
    expect(probe.globalSteps).toEqual([0, 1]);
  });

  it('clips the accumulated gradients, not each batch', async () => {
    // Clipping S1/2 and S2/2 separately to ±0.1 and summing would give W rows [0.1, −0.1], [0, 0], [0.1, −0.1].
    const { probe } = await train({
      batchSize: 1,
      trainer: { accumulate_grad_batches: 2, gradient_clip_val: 0.1, gradient_clip_algorithm: 'value' },
    });
    expectWeights(probe.weights, linearWeights(0.1));
  });

  it('steps with the partial last group of an epoch, its loss still divided by accumulate_grad_batches', async () => {
    const { results, probe } = await train({ batchSize: 2, trainer: { accumulate_grad_batches: 2 } });
    expectWeights(probe.weights, linearWeights(0.125));
    expect(results.global_step).toBe(1);
  });

  it('counts optimizer steps in globalStep and in the scheduler', async () => {
    // Three batches of one, two per step: steps after batches 2 and 3 of each epoch. StepLR halves the rate
    // every epoch of 2 optimizer steps (it would wait for step 3 if it counted batches).
    const { results, probe } = await train({
      train: [S1, S2, S3],
      batchSize: 1,
      lr: 0.1,
      scheduler: { name: 'step', step_size: 1, gamma: 0.5, warmup_epochs: 0 },
      trainer: { accumulate_grad_batches: 2, max_epochs: 2 },
    });
    expect(probe.globalSteps).toEqual([0, 1, 2, 2, 3, 4]);
    expect(probe.lrs).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05]);
    expect(probe.stepsPerEpoch).toBe(2);
    expect(results.global_step).toBe(4);
  });

  it('writes per-class precision/recall/F1 and macro-F1 of the test split to results.json', async () => {
    // After the plain step, logit(a) − logit(b) = ½·(x₀ + x₁ + x₂): predictions a, a, b, b, b.
    const test: TableRow[] = [
      [1, 0, 0, 0],
      [1, 1, 0, 1],
      [-1, 0, 0, 1],
      [0, -2, 0, 0],
      [-1, -1, 0, 1],
    ];
    const { results } = await train({ test });
    const ce = (margin: number) => Math.log(1 + Math.exp(-margin));
    expect(results['test/loss']).toBeCloseTo((ce(0.5) + ce(-1) + ce(0.5) + ce(-1) + ce(1)) / 5, 6);
    expect(results['test/acc']).toBeCloseTo(3 / 5, 10);
    expect(results['test/acc_top5']).toBeNull();
    expect(results['test/f1_macro']).toBeCloseTo((1 / 2 + 2 / 3) / 2, 10);
    expect(results['test/per_class']).toEqual({
      a: { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 },
      b: { precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 },
    });
    expect(JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8'))).toEqual(results);
  });

  it('on abort finishes the optimizer step, writes checkpoints/last, calls onFitEnd and skips test', async () => {
    const controller = new AbortController();
    const { results, messages, probe } = await train({
      train: [S1, S2, S3],
      test: [S1],
      batchSize: 1,
      trainer: { accumulate_grad_batches: 2, max_epochs: 3 },
      probe: {
        on_batch_end: () => {
          controller.abort();
        },
      },
      signal: controller.signal,
    });
    // Aborted after batch 1 of a group of 2: batch 2 still runs, then the step, then the run ends.
    expect(probe.globalSteps).toEqual([0, 1]);
    expect(results.interrupted).toBe(true);
    expect(results.global_step).toBe(1);
    // Counted as the progress bar counts: the interrupted first epoch is epoch 1/3, and it did not complete.
    expect(results.epochs_trained).toBe(0);
    expect(results['test/acc']).toBeNull();
    expect(probe.hooks).toEqual(['onFitEnd']);
    const last = join(runDir, 'checkpoints', 'last');
    expect(messages).toContain(
      `warn: interrupted at step 1 (epoch 1/3, batch 2/3); wrote ${last}. Resume with the same command plus ckpt_path=last (and the same hydra.run.dir)`,
    );
    const state = await loadTrainerState(last);
    expect(state.global_step).toBe(1);
    expect(state.epoch).toBe(0);
    const restored = await loadCheckpointModel(last);
    expectWeights(
      restored.getWeights().map((w) => Array.from(w.dataSync())),
      probe.weights,
    );
    restored.dispose();
  });
});
