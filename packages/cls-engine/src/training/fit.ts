import { mkdir, writeFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import {
  ClsError,
  type Callback,
  type ClassifierModel,
  type ClsConfig,
  type DataModule,
  type DataSplit,
  type JsonValue,
  type Logger,
  type LrScheduler,
  type Optimizer,
  type PluginRegistry,
  type SplitName,
  type Stage,
  type TrainableParameter,
  type TrainerContext,
} from '@nextplay/cls-core';
import { selectBackend } from '../backends/selectBackend.js';
import { loadCheckpointWeights } from '../checkpoint/loadCheckpoint.js';
import { saveCheckpoint, type TrainerState } from '../checkpoint/saveCheckpoint.js';
import { ConfusionMatrix } from '../metrics/confusionMatrix.js';
import { batchCount, limitBatches } from './batchLimit.js';
import { CallbackList } from './callbackList.js';
import { MetricsCsv } from './metricsCsv.js';
import { OptimizerStepper } from './optimizerStepper.js';
import {
  computeGradients,
  evaluateBatch,
  readTrainOutcome,
  trainableParameters,
  type BatchOutcome,
  type TrainLoss,
} from './steps.js';

export interface FitOptions {
  readonly config: ClsConfig;
  readonly registry: PluginRegistry;
  /** Where metrics.csv, results.json and (by default) checkpoints go; created if missing. */
  readonly runDir: string;
  readonly logger: Logger;
  /**
   * Aborting (Ctrl-C) finishes the current optimizer step, then ends the run without validating or testing:
   * `onFitEnd` fires, metrics.csv gets the partial epoch, and `fit` resolves with `interrupted: true`.
   */
  readonly signal?: AbortSignal;
}

/** The content of `results.json`. */
export type RunResults = Record<string, JsonValue>;

const FLOAT32_PRECISIONS = new Set(['32-true', '32']);
const TOP_K = 5;

/** A split's evaluation: summed loss, and the confusion matrix and top-5 hits of its predictions. */
interface Evaluation {
  readonly lossSum: number;
  readonly size: number;
  readonly confusion: ConfusionMatrix;
  /** undefined with fewer than five classes. */
  readonly top5Correct: number | undefined;
}

/** Trains, validates and tests a classifier as `config` describes; the engine's counterpart of Lightning's `Trainer.fit` + `test`. */
export async function fit(options: FitOptions): Promise<RunResults> {
  const { config, registry, runDir, logger } = options;
  const backend = await selectBackend(config.trainer.accelerator, registry, logger);
  const requestedPrecision = config.trainer.precision;
  if (!FLOAT32_PRECISIONS.has(requestedPrecision)) {
    logger.warn(`precision ${requestedPrecision} is not supported by TensorFlow.js; training in 32-true`);
  }
  await mkdir(runDir, { recursive: true });

  const seed = config.seed;
  const data = await registry.create('dataset', config.data.name, config.data, {
    logger,
    seed,
    createTransform: (name, transformOptions) => registry.create('transform', name, transformOptions, {}),
  });
  const numClasses = config.model.num_classes ?? data.classes.length;
  if (numClasses < data.classes.length) {
    throw new ClsError(
      'CONFIG_INVALID',
      `model.num_classes=${numClasses} is smaller than the ${data.classes.length} classes of dataset ${config.data.name}`,
    );
  }
  const model = await registry.create('model', config.model.arch, config.model, {
    numClasses,
    imageSize: data.imageSize,
    channels: data.channels,
    logger,
  });
  logger.info(
    `model: ${config.model.arch}, ${trainableParameterCount(model).toLocaleString('en-US')} trainable parameters, ` +
      `${numClasses} classes, input ${data.imageSize}x${data.imageSize}x${data.channels}`,
  );
  let optimizer: Optimizer | undefined;
  try {
    if (config.ckpt_path !== null) {
      await loadCheckpointWeights(model, config.ckpt_path);
      // Resuming optimizer state, epoch and step is not implemented yet: training restarts from epoch 0.
      logger.info(`loaded weights from ${config.ckpt_path}; optimizer state and epoch are not restored`);
    }
    optimizer = await registry.create('optimizer', config.optimizer.name, config.optimizer, {});
    const trainBatches = batchCount(data.train.size, config.data.batch_size);
    const batchesPerEpoch = limitBatches(
      config.trainer.limit_train_batches,
      trainBatches,
      'limit_train_batches',
    );
    // Optimizer steps: one per accumulation group, the last (partial) group of an epoch included.
    const stepsPerEpoch = Math.ceil(batchesPerEpoch / accumulateGradBatches(config));
    const scheduler = await registry.create('scheduler', config.scheduler.name, config.scheduler, {
      baseLr: config.optimizer.lr,
      stepsPerEpoch,
      maxEpochs: config.trainer.max_epochs,
      totalSteps: stepsPerEpoch * config.trainer.max_epochs,
    });
    const callbacks: Callback[] = [];
    for (const [name, callbackOptions] of Object.entries(config.callbacks)) {
      if (callbackOptions === null) continue;
      callbacks.push(await registry.create('callback', name, callbackOptions, { logger }));
    }
    const trainer = new Trainer({
      config,
      runDir,
      logger,
      model,
      data,
      numClasses,
      optimizer,
      scheduler,
      callbacks: new CallbackList(callbacks),
      batchesPerEpoch,
      stepsPerEpoch,
      signal: options.signal,
    });
    const results: RunResults = {
      backend: backend.name,
      precision: '32-true',
      requested_precision: requestedPrecision,
      ...(await trainer.run()),
    };
    await writeFile(join(runDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    return results;
  } finally {
    optimizer?.dispose();
    model.dispose();
  }
}

interface TrainerSetup {
  readonly config: ClsConfig;
  readonly runDir: string;
  readonly logger: Logger;
  readonly model: ClassifierModel;
  readonly data: DataModule;
  readonly numClasses: number;
  readonly optimizer: Optimizer;
  readonly scheduler: LrScheduler;
  readonly callbacks: CallbackList;
  readonly batchesPerEpoch: number;
  readonly stepsPerEpoch: number;
  readonly signal: AbortSignal | undefined;
}

/** The training loop; also the `TrainerContext` callbacks see. */
class Trainer implements TrainerContext {
  stage: Stage = 'fit';
  epoch = 0;
  globalStep = 0;
  batchesInLoop = 0;
  lr: number;
  stopRequested = false;
  readonly maxEpochs: number;
  /** Optimizer steps per epoch (batches / accumulate_grad_batches, rounded up). */
  readonly stepsPerEpoch: number;
  readonly runDir: string;
  readonly logger: Logger;
  readonly model: ClassifierModel;
  readonly classes: readonly string[];
  readonly #setup: TrainerSetup;
  readonly #metrics: Record<string, number> = {};
  readonly #parameters: readonly TrainableParameter[];
  readonly #variables: readonly tf.Variable[];
  readonly #accumulate: number;
  readonly #trainLoss: TrainLoss;
  readonly #csv: MetricsCsv;
  #row: Record<string, number> = {};
  #stopReason: string | undefined;
  #trainImages = 0;
  #trainSeconds = 0;

  constructor(setup: TrainerSetup) {
    this.#setup = setup;
    this.maxEpochs = setup.config.trainer.max_epochs;
    this.stepsPerEpoch = setup.stepsPerEpoch;
    this.runDir = setup.runDir;
    this.logger = setup.logger;
    this.model = setup.model;
    this.classes = setup.data.classes;
    this.lr = setup.scheduler.lrAt(0);
    this.#parameters = trainableParameters(setup.model);
    this.#variables = this.#parameters.map((p) => p.variable);
    this.#accumulate = accumulateGradBatches(setup.config);
    const labelSmoothing = setup.config.trainer.label_smoothing;
    this.#trainLoss = { labelSmoothing, scale: 1 / this.#accumulate };
    this.#csv = new MetricsCsv(join(setup.runDir, 'metrics.csv'));
  }

  get metrics(): Readonly<Record<string, number>> {
    return this.#metrics;
  }

  log(name: string, value: number): void {
    this.#metrics[name] = value;
    this.#row[name] = value;
  }

  requestStop(reason: string): void {
    if (!this.stopRequested) this.logger.info(`stopping after epoch ${this.epoch}: ${reason}`);
    this.stopRequested = true;
    this.#stopReason ??= reason;
  }

  async saveCheckpoint(path: string): Promise<void> {
    const { config } = this.#setup;
    const state: TrainerState = {
      epoch: this.epoch,
      global_step: this.globalStep,
      metrics: { ...this.#metrics },
      classes: this.classes,
      model: config.model,
      image_size: this.#setup.data.imageSize,
      mean: config.data.mean,
      std: config.data.std,
    };
    await saveCheckpoint(this.model, path, state);
  }

  async run(): Promise<RunResults> {
    const { callbacks, config, optimizer } = this.#setup;
    const stepper = new OptimizerStepper(this.#parameters, optimizer, {
      gradientClipVal: config.trainer.gradient_clip_val,
      gradientClipAlgorithm: config.trainer.gradient_clip_algorithm,
    });
    let interrupted = false;
    let epochsTrained = 0;
    try {
      await callbacks.call('onFitStart', this);
      for (this.epoch = 0; this.epoch < this.maxEpochs; this.epoch++) {
        interrupted = !(await this.#trainEpoch(stepper));
        epochsTrained += 1;
        if (interrupted) {
          await this.#csv.append(this.#row);
          break;
        }
        // Lightning's order: validation runs at the end of the training epoch, before on_train_epoch_end,
        // so epoch-end callbacks (checkpointing, LR logging) see this epoch's val metrics.
        await this.#validateIfDue();
        await callbacks.call('onTrainEpochEnd', this);
        await this.#csv.append(this.#row);
        this.#logEpoch();
        if (this.stopRequested) break;
      }
      this.epoch = Math.max(0, epochsTrained - 1);
      if (interrupted) {
        // The model-checkpoint callback's default dirpath, where `ckpt_path=last` looks.
        await this.saveCheckpoint(join(this.runDir, 'checkpoints', 'last'));
        this.logger.warn(`interrupted at step ${this.globalStep}; wrote checkpoints/last`);
      }
      await callbacks.call('onFitEnd', this);
    } catch (error) {
      await callbacks.callOnException(this, error);
      throw error;
    } finally {
      stepper.dispose();
    }
    const test = interrupted ? {} : await this.#testWithBest();
    return this.#results(epochsTrained, interrupted, test);
  }

  /**
   * Trains one epoch; false when interrupted by the abort signal. Gradients of `accumulate_grad_batches`
   * batches make one optimizer step (the epoch's last group steps even when partial); an abort takes effect
   * once the current optimizer step is done.
   */
  async #trainEpoch(stepper: OptimizerStepper): Promise<boolean> {
    const { config, data, scheduler, numClasses, callbacks, signal, batchesPerEpoch } = this.#setup;
    this.stage = 'fit';
    this.batchesInLoop = batchesPerEpoch;
    this.#row = {};
    await callbacks.call('onTrainEpochStart', this);
    const totals = { lossSum: 0, correct: 0, size: 0 };
    const started = performance.now();
    let index = 0;
    const batches = data.train.batches({
      batchSize: config.data.batch_size,
      shuffle: true,
      seed: config.seed,
      epoch: this.epoch,
      augment: true,
      limitBatches: batchesPerEpoch,
      dropLast: false,
    });
    for await (const batch of batches) {
      if (index >= batchesPerEpoch) break;
      const computed = computeGradients(this.model, this.#variables, batch, numClasses, this.#trainLoss);
      stepper.add(computed.gradients);
      const step = this.globalStep;
      const stepsNow = stepper.pendingBatches === this.#accumulate || index + 1 === batchesPerEpoch;
      if (stepsNow) {
        this.lr = scheduler.lrAt(step);
        stepper.step(this.lr);
      }
      const outcome = await readTrainOutcome(computed);
      const loss = outcome.lossSum / outcome.size;
      if (!Number.isFinite(loss)) {
        throw new ClsError(
          'TRAINING_DIVERGED',
          `training diverged: loss is ${loss} at step ${step} (epoch ${this.epoch}, batch ${index})`,
          { hint: 'lower optimizer.lr or add warm-up' },
        );
      }
      accumulate(totals, outcome);
      if (stepsNow) this.#countStep(loss);
      await callbacks.call('onTrainBatchEnd', this, { index, loss, size: outcome.size });
      index += 1;
      if (signal?.aborted === true && stepper.pendingBatches === 0) break;
    }
    if (stepper.pendingBatches > 0) {
      // The split yielded fewer batches than announced: the partial group still steps, as at any epoch end.
      this.lr = scheduler.lrAt(this.globalStep);
      stepper.step(this.lr);
      this.#countStep(totals.size > 0 ? totals.lossSum / totals.size : NaN);
    }
    this.#trainSeconds += (performance.now() - started) / 1000;
    this.#trainImages += totals.size;
    this.log('epoch', this.epoch);
    this.log('step', this.globalStep);
    if (totals.size > 0) {
      this.log('train/loss', totals.lossSum / totals.size);
      this.log('train/acc', totals.correct / totals.size);
    }
    return signal?.aborted !== true;
  }

  #countStep(loss: number): void {
    this.globalStep += 1;
    if (this.globalStep % this.#setup.config.trainer.log_every_n_steps === 0) {
      this.logger.debug(`step ${this.globalStep}: loss ${loss.toFixed(4)} lr ${this.lr.toExponential(3)}`);
    }
  }

  async #validateIfDue(): Promise<void> {
    const { config, data } = this.#setup;
    if ((this.epoch + 1) % config.trainer.check_val_every_n_epoch !== 0) return;
    if (data.val === undefined) {
      if (this.epoch === config.trainer.check_val_every_n_epoch - 1)
        this.logger.info('no val split: skipping validation');
      return;
    }
    const evaluation = await this.#evaluate(
      'val',
      data.val,
      config.trainer.limit_val_batches,
      'limit_val_batches',
    );
    if (evaluation === undefined) return;
    for (const [name, value] of Object.entries(splitMetrics('val', evaluation))) this.log(name, value);
    await this.#setup.callbacks.call('onValidationEnd', this);
  }

  /** Runs the model over a split in inference mode, firing the validation or test hooks. */
  async #evaluate(
    split: Exclude<SplitName, 'train'>,
    source: DataSplit,
    limit: number | null,
    key: string,
  ): Promise<Evaluation | undefined> {
    const { config, numClasses, callbacks } = this.#setup;
    const batchLimit = limitBatches(limit, batchCount(source.size, config.data.batch_size), key);
    this.batchesInLoop = batchLimit;
    await callbacks.call(split === 'val' ? 'onValidationStart' : 'onTestStart', this);
    const confusion = new ConfusionMatrix(numClasses);
    let lossSum = 0;
    let top5Correct = numClasses >= TOP_K ? 0 : undefined;
    let index = 0;
    const batches = source.batches({
      batchSize: config.data.batch_size,
      shuffle: false,
      seed: config.seed,
      epoch: this.epoch,
      augment: false,
      limitBatches: batchLimit,
      dropLast: false,
    });
    for await (const batch of batches) {
      if (index >= batchLimit) break;
      const evaluated = await evaluateBatch(this.model, batch, numClasses, TOP_K);
      lossSum += evaluated.lossSum;
      confusion.add(batch.labels, evaluated.predictions);
      if (top5Correct !== undefined) top5Correct += evaluated.topKCorrect ?? 0;
      await callbacks.call(split === 'val' ? 'onValidationBatchEnd' : 'onTestBatchEnd', this, index);
      index += 1;
    }
    if (confusion.total === 0) {
      this.logger.warn(`the ${split} split yielded no images`);
      return undefined;
    }
    return { lossSum, size: confusion.total, confusion, top5Correct };
  }

  async #testWithBest(): Promise<RunResults> {
    const { data, config, callbacks } = this.#setup;
    const bestPath = callbacks.bestModelPath();
    if (data.test === undefined) {
      this.logger.info('no test split: skipping test');
      return {};
    }
    if (bestPath === undefined) {
      this.logger.info('testing with the final weights');
    } else {
      this.logger.info(`testing with the best checkpoint ${bestPath}`);
      await loadCheckpointWeights(this.model, bestPath);
    }
    this.stage = 'test';
    const evaluation = await this.#evaluate(
      'test',
      data.test,
      config.trainer.limit_test_batches,
      'limit_test_batches',
    );
    if (evaluation === undefined) return {};
    const testMetrics = splitMetrics('test', evaluation);
    Object.assign(this.#metrics, testMetrics);
    await callbacks.call('onTestEnd', this);
    this.logger.info(
      `test: loss ${(testMetrics['test/loss'] ?? NaN).toFixed(4)} acc ${(testMetrics['test/acc'] ?? NaN).toFixed(4)}` +
        ` f1_macro ${(testMetrics['test/f1_macro'] ?? NaN).toFixed(4)}`,
    );
    const perClass: Record<string, JsonValue> = {};
    for (const [name, metrics] of Object.entries(evaluation.confusion.perClass(this.classes))) {
      perClass[name] = { ...metrics };
    }
    return { ...testMetrics, 'test/per_class': perClass };
  }

  #logEpoch(): void {
    const parts = ['train/loss', 'train/acc', 'val/loss', 'val/acc', 'val/f1_macro']
      .filter((k) => this.#row[k] !== undefined)
      .map((k) => `${k} ${(this.#row[k] ?? NaN).toFixed(4)}`);
    this.logger.info(`epoch ${this.epoch + 1}/${this.maxEpochs}: ${parts.join('  ')}`);
  }

  #results(epochsTrained: number, interrupted: boolean, test: RunResults): RunResults {
    const { callbacks, data, numClasses } = this.#setup;
    const results: RunResults = {
      'test/acc': test['test/acc'] ?? null,
      'test/loss': test['test/loss'] ?? null,
      'test/acc_top5': test['test/acc_top5'] ?? null,
      'test/f1_macro': test['test/f1_macro'] ?? null,
      'test/per_class': test['test/per_class'] ?? null,
      'val/acc': this.#metrics['val/acc'] ?? null,
      'val/loss': this.#metrics['val/loss'] ?? null,
      'val/f1_macro': this.#metrics['val/f1_macro'] ?? null,
      best_model_path: callbacks.bestModelPath() ?? null,
      best_model_score: null,
      epochs_trained: epochsTrained,
      global_step: this.globalStep,
      num_classes: numClasses,
      classes: [...data.classes],
      train_images_per_second: this.#trainSeconds > 0 ? this.#trainImages / this.#trainSeconds : null,
      stopped_early: this.#stopReason ?? null,
      interrupted,
    };
    for (const callback of callbacks.callbacks) {
      for (const [key, value] of Object.entries(callback.summary?.() ?? {})) {
        results[key] ??= value;
      }
    }
    return results;
  }
}

function accumulate(totals: { lossSum: number; correct: number; size: number }, outcome: BatchOutcome): void {
  totals.lossSum += outcome.lossSum;
  totals.correct += outcome.correct;
  totals.size += outcome.size;
}

/** `<split>/loss`, `/acc`, `/f1_macro` and, with five or more classes, `/acc_top5`. */
function splitMetrics(split: 'val' | 'test', evaluation: Evaluation): Record<string, number> {
  const metrics: Record<string, number> = {
    [`${split}/loss`]: evaluation.lossSum / evaluation.size,
    [`${split}/acc`]: evaluation.confusion.accuracy,
  };
  if (evaluation.top5Correct !== undefined) {
    metrics[`${split}/acc_top5`] = evaluation.top5Correct / evaluation.size;
  }
  metrics[`${split}/f1_macro`] = evaluation.confusion.f1Macro;
  return metrics;
}

/** Lightning's `accumulate_grad_batches`: batches per optimizer step. */
function accumulateGradBatches(config: ClsConfig): number {
  const k = config.trainer.accumulate_grad_batches;
  if (!Number.isInteger(k) || k < 1) {
    throw new ClsError('CONFIG_INVALID', `trainer.accumulate_grad_batches must be an integer ≥ 1; got ${k}`);
  }
  return k;
}

function trainableParameterCount(model: ClassifierModel): number {
  return model.trainableWeights.reduce(
    (sum, weight) => sum + weight.shape.reduce<number>((n, d) => n * (d ?? 1), 1),
    0,
  );
}
