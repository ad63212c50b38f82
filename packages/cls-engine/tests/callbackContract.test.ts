import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PluginRegistry,
  createLogger,
  definePlugin,
  type Callback,
  type CallbackFailure,
  type DataModuleInfo,
  type Logger,
  type SplitPredictions,
  type TrainerContext,
} from '@nextplay/cls-core';
import { enginePlugins, fit } from '../src/index.js';
import { backendPlugins } from './helpers/backendPlugins.js';
import { QUADRANT_CLASSES, quadrantsDatasetPlugin } from './helpers/quadrantsDataset.js';
import { runConfig } from './helpers/runConfig.js';
import { tinyConvModelPlugin } from './helpers/tinyConvModel.js';

interface SeenValidation {
  readonly epoch: number;
  readonly predictions: SplitPredictions;
  readonly metrics: Readonly<Record<string, number>>;
}

/** Keeps what the observability part of the context shows at each hook; validates other weights as `alt`. */
class ContractProbe implements Callback {
  readonly name = 'probe';
  readonly validations: SeenValidation[] = [];
  tested: SplitPredictions | undefined;
  data: DataModuleInfo | undefined;

  onFitStart(context: TrainerContext): void {
    this.data = context.data;
    expect(context.validationPredictions).toBeUndefined();
  }

  async onValidationEnd(context: TrainerContext): Promise<void> {
    const predictions = context.validationPredictions;
    if (predictions === undefined) throw new Error('no validation predictions at onValidationEnd');
    this.validations.push({ epoch: context.epoch, predictions, metrics: { ...context.metrics } });
    await context.validate('alt');
    // validate(prefix) fires no validation hooks, and leaves the predictions of the hooked pass in place.
    expect(context.validationPredictions).toBe(predictions);
  }

  onTestEnd(context: TrainerContext): void {
    this.tested = context.testPredictions;
  }

  /** Epoch 0's weights are "best", so that the test runs on weights older than the last epoch's. */
  async onTrainEpochEnd(context: TrainerContext): Promise<void> {
    if (context.epoch !== 0) return;
    this.#best = join(context.runDir, 'checkpoints', 'epoch_0');
    await context.saveCheckpoint(this.#best);
  }

  bestModelPath(): string | undefined {
    return this.#best;
  }

  #best: string | undefined;
}

/** Fails in every hook it has, with the failure policy it is given. */
class FailingCallback implements Callback {
  readonly name = 'failing';
  readonly failure: CallbackFailure;
  calls = 0;

  constructor(failure: CallbackFailure) {
    this.failure = failure;
  }

  onTrainEpochEnd(): void {
    this.calls += 1;
    throw new Error('the plot could not be rendered');
  }

  onFitEnd(): void {
    this.calls += 1;
    throw new Error('the plot could not be rendered');
  }
}

function accuracy(predictions: SplitPredictions): number {
  let correct = 0;
  predictions.predicted.forEach((p, i) => {
    if (p === predictions.targets[i]) correct += 1;
  });
  return correct / predictions.predicted.length;
}

describe('the callback contract', () => {
  let runDir: string;
  let probes: ContractProbe[];
  let failing: FailingCallback[];
  let registry: PluginRegistry;
  let logger: Logger;
  let messages: string[];

  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'cls-engine-contract-'));
    probes = [];
    failing = [];
    messages = [];
    logger = createLogger({ console: false });
    logger.addReporter({
      log: (entry) => messages.push(`${entry.type}: ${entry.args.map(String).join(' ')}`),
    });
    registry = new PluginRegistry().register(
      ...enginePlugins,
      ...backendPlugins,
      quadrantsDatasetPlugin,
      tinyConvModelPlugin,
      definePlugin<'callback', Record<string, never>>({
        kind: 'callback',
        name: 'probe',
        package: 'engine-tests',
        description: 'Records the observability context.',
        optionsSchema: { type: 'object', properties: {}, additionalProperties: false },
        create: () => {
          const probe = new ContractProbe();
          probes.push(probe);
          return probe;
        },
      }),
      definePlugin<'callback', { failure: CallbackFailure }>({
        kind: 'callback',
        name: 'failing',
        package: 'engine-tests',
        description: 'Fails at every epoch end.',
        optionsSchema: { type: 'object', properties: {}, additionalProperties: true },
        create: (options) => {
          const callback = new FailingCallback(options.failure);
          failing.push(callback);
          return callback;
        },
      }),
    );
  });

  afterEach(async () => {
    await rm(runDir, { recursive: true, force: true });
  });

  it('hands callbacks the per-sample val and test predictions, in split order, that the metrics come from', async () => {
    const results = await fit({
      config: runConfig({ callbacks: { probe: {} }, trainer: { max_epochs: 2 } }),
      registry,
      runDir,
      logger,
    });
    const probe = probes[0]!;
    expect(probe.data?.classes).toEqual(QUADRANT_CLASSES);
    expect(probe.data?.val?.size).toBe(32);
    expect(probe.data?.test?.size).toBe(40);
    expect(probe.data?.val?.files).toBeUndefined(); // held in memory: no files
    expect(probe.validations.map((v) => v.epoch)).toEqual([0, 1]);
    const csv = (await readFile(join(runDir, 'metrics.csv'), 'utf8')).trim().split('\n');
    const header = csv[0]!.split(',');
    for (const { epoch, predictions, metrics } of probe.validations) {
      expect(predictions.split).toBe('val');
      expect(predictions.epoch).toBe(epoch);
      expect(predictions.predicted).toHaveLength(32);
      // The quadrants dataset labels sample i with class i % 4, in its unshuffled order.
      expect([...predictions.targets]).toEqual(Array.from({ length: 32 }, (_, i) => i % 4));
      expect(accuracy(predictions)).toBeCloseTo(metrics['val/acc']!, 12);
      const row = csv[epoch + 1]!.split(',');
      expect(Number(row[header.indexOf('val/acc')])).toBeCloseTo(accuracy(predictions), 12);
      for (const p of predictions.confidence) {
        expect(p).toBeGreaterThanOrEqual(1 / QUADRANT_CLASSES.length - 1e-6);
        expect(p).toBeLessThanOrEqual(1);
      }
    }
    expect(probe.validations[0]!.predictions).not.toBe(probe.validations[1]!.predictions);
    const tested = probe.tested!;
    expect(tested.split).toBe('test');
    expect(tested.predicted).toHaveLength(40);
    expect(accuracy(tested)).toBeCloseTo(results['test/acc'] as number, 12);
    expect(results.best_model_path).toBe(join(runDir, 'checkpoints', 'epoch_0'));
    expect(tested.epoch).toBe(0); // the tested weights' epoch, not the last one's
  });

  it('keeps only the samples evaluated under limit_val_batches', async () => {
    await fit({
      config: runConfig({ callbacks: { probe: {} }, trainer: { max_epochs: 1, limit_val_batches: 1 } }),
      registry,
      runDir,
      logger,
    });
    expect(probes[0]!.validations[0]!.predictions.targets).toHaveLength(16);
  });

  it("logs a failure: 'warn' callback's failure once across its hooks, naming it, and the run finishes", async () => {
    const results = await fit({
      config: runConfig({ callbacks: { failing: { failure: 'warn' } }, trainer: { max_epochs: 2 } }),
      registry,
      runDir,
      logger,
    });
    expect(failing[0]!.calls).toBe(3); // two epoch ends and the fit's end, each failing the same way
    expect(results.epochs_trained).toBe(2);
    expect(results['test/acc']).not.toBeNull();
    const warnings = messages.filter((m) => m.startsWith('warn: [failing]'));
    expect(warnings).toEqual([
      'warn: [failing] onTrainEpochEnd failed: the plot could not be rendered; the run goes on without it',
    ]);
  });

  it("stops the run on a failure of a callback that does not say failure: 'warn'", async () => {
    await expect(
      fit({ config: runConfig({ callbacks: { failing: { failure: 'stop' } } }), registry, runDir, logger }),
    ).rejects.toThrow('[failing] onTrainEpochEnd failed: the plot could not be rendered');
  });
});
