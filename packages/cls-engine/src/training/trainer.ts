import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  ClsError,
  imageSizeSetting,
  type Batch,
  type ClassifierModel,
  type ClsConfig,
  type DataModule,
  type DataModuleInfo,
  type DataSplit,
  type JsonValue,
  type Logger,
  type LrScheduler,
  type ModelHead,
  type Optimizer,
  type RawImage,
  type SplitName,
  type SplitPredictions,
  type Stage,
  type TrainableParameter,
  type TrainerContext,
} from '@nextplay/cls-core';
import { linkCheckpoint } from '../checkpoint/linkCheckpoint.js';
import {
  loadCheckpointModel,
  loadCheckpointWeights,
  loadTrainerState,
} from '../checkpoint/loadCheckpoint.js';
import { RESUME_TENSOR_PREFIX, type ResumeState } from '../checkpoint/resumeState.js';
import { saveCheckpoint, type TrainerState } from '../checkpoint/saveCheckpoint.js';
import {
  evaluateSplit,
  headMetricsOf,
  splitMetrics,
  withOther,
  type EvaluateSplitOptions,
  type SplitEvaluation,
} from '../evaluation/evaluateSplit.js';
import { batchCount, limitBatches } from './batchLimit.js';
import type { CallbackList } from './callbackList.js';
import { MetricsCsv } from './metricsCsv.js';
import { digitMixShare, mixedClassWeights, mixTrainingBatch } from './digitMix.js';
import type { GradScaler } from './gradScaler.js';
import { OptimizerStepper } from './optimizerStepper.js';
import type { ResumePoint } from './resumeRun.js';
import { defaultCheckpointDir } from './resumeRun.js';
import { computeGradients, readTrainOutcome, type BatchOutcome, type TrainLoss } from './steps.js';
import { validationInterval } from './validationInterval.js';

/** The content of `results.json`. */
export type RunResults = Record<string, JsonValue>;

export interface TrainerSetup {
  readonly config: ClsConfig;
  readonly runDir: string;
  readonly logger: Logger;
  readonly model: ClassifierModel;
  readonly parameters: readonly TrainableParameter[];
  readonly data: DataModule;
  /** Output units of a class head (`model.num_classes` or the dataset's classes). */
  readonly numClasses: number;
  /** The model's output layers (`model.head`): its loss, how its outputs are read, its metrics. */
  readonly head: ModelHead;
  /** `model.class_weights` resolved to one loss weight per class; undefined = unweighted. */
  readonly classWeights?: readonly number[] | undefined;
  readonly optimizer: Optimizer;
  readonly scheduler: LrScheduler;
  readonly callbacks: CallbackList;
  readonly batchesPerEpoch: number;
  readonly stepsPerEpoch: number;
  readonly accumulate: number;
  /** `trainer.precision=16-mixed`: dynamic loss scaling; absent in float32. */
  readonly gradScaler?: GradScaler | undefined;
  readonly signal: AbortSignal | undefined;
  readonly resume: ResumePoint | undefined;
}

interface EpochTotals {
  lossSum: number;
  correct: number;
  size: number;
}

/**
 * The training loop; also the `TrainerContext` callbacks see. Every checkpoint it writes records the exact
 * position (epoch, batches done, whether the epoch was validated) with the optimizer, scheduler and callback
 * states, so a run resumed from it continues as if never interrupted.
 */
export class Trainer implements TrainerContext {
  stage: Stage = 'fit';
  epoch = 0;
  globalStep = 0;
  batchesInLoop = 0;
  lr: number;
  stopRequested = false;
  interrupted = false;
  validationPredictions: SplitPredictions | undefined;
  testPredictions: SplitPredictions | undefined;
  readonly maxEpochs: number;
  /** Optimizer steps per epoch (batches / accumulate_grad_batches, rounded up). */
  readonly stepsPerEpoch: number;
  readonly runDir: string;
  readonly logger: Logger;
  readonly model: ClassifierModel;
  readonly head: ModelHead;
  readonly classes: readonly string[];
  readonly data: DataModuleInfo;
  readonly config: Readonly<ClsConfig>;
  readonly #setup: TrainerSetup;
  readonly #metrics: Record<string, number> = {};
  readonly #variables: readonly tf.Variable[];
  readonly #trainLoss: TrainLoss;
  /** `model.digit_mix` as it applies to this head. */
  readonly #digitMix: number;
  readonly #csv: MetricsCsv;
  readonly #valInterval: number;
  #row: Record<string, number> = {};
  #totals: EpochTotals = { lossSum: 0, correct: 0, size: 0 };
  #batchesDone = 0;
  #validated = false;
  #stopReason: string | undefined;
  #trainImages = 0;
  #trainSeconds = 0;
  #lastCheckpoint: string | undefined;

  constructor(setup: TrainerSetup) {
    this.#setup = setup;
    this.maxEpochs = setup.config.trainer.max_epochs;
    this.stepsPerEpoch = setup.stepsPerEpoch;
    this.runDir = setup.runDir;
    this.logger = setup.logger;
    this.model = setup.model;
    this.head = setup.head;
    this.classes = setup.data.classes;
    this.data = setup.data;
    this.config = setup.config;
    this.lr = setup.scheduler.lrAt(0);
    this.#variables = setup.parameters.map((p) => p.variable);
    this.#trainLoss = {
      head: setup.head,
      classes: setup.data.classes,
      labelSmoothing: setup.config.trainer.label_smoothing,
      scale: 1 / setup.accumulate,
      classWeights: setup.classWeights,
    };
    this.#digitMix = digitMixShare(setup.config.model.digit_mix, setup.head);
    this.#csv = new MetricsCsv(join(setup.runDir, 'metrics.csv'));
    this.#valInterval = validationInterval(setup.config.trainer.val_check_interval, setup.batchesPerEpoch);
    const resume = setup.resume;
    if (resume !== undefined) {
      const { state } = resume;
      this.epoch = state.epoch;
      this.globalStep = resume.globalStep;
      this.lr = state.lr;
      Object.assign(this.#metrics, resume.metrics);
      this.#row = { ...state.epoch_row };
      this.#totals = {
        lossSum: state.epoch_totals.loss_sum,
        correct: state.epoch_totals.correct,
        size: state.epoch_totals.size,
      };
      this.#batchesDone = state.batches_done;
      this.#validated = state.validated;
      this.#trainImages = state.train_images;
      this.#trainSeconds = state.train_seconds;
      this.#csv = new MetricsCsv(join(setup.runDir, 'metrics.csv'), state.csv_rows);
    }
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
    const { config, data, callbacks, optimizer, scheduler, parameters, gradScaler } = this.#setup;
    const state: TrainerState = {
      epoch: this.epoch,
      global_step: this.globalStep,
      metrics: { ...this.#metrics },
      classes: this.classes,
      train_class_counts: data.train.classCounts,
      model: config.model,
      image_size: imageSizeSetting(data.imageSize),
      mean: config.data.mean,
      std: config.data.std,
      ...resizeOf(config),
    };
    const tensors: Record<string, tf.Tensor> = {};
    const optimizerState = optimizer.stateDict(parameters);
    for (const [name, tensor] of Object.entries(optimizerState.tensors ?? {})) {
      tensors[`${RESUME_TENSOR_PREFIX.optimizer}${name}`] = tensor;
    }
    const callbackJson: Record<string, JsonValue> = {};
    for (const [name, callbackState] of callbacks.stateDicts()) {
      callbackJson[name] = callbackState.json ?? null;
      for (const [key, tensor] of Object.entries(callbackState.tensors ?? {})) {
        tensors[`${RESUME_TENSOR_PREFIX.callback(name)}${key}`] = tensor;
      }
    }
    const averaged = callbacks.checkpointWeights();
    if (averaged !== undefined) {
      // The checkpoint's model weights are the averaged ones; the live ones are kept to resume training.
      this.model.weights.forEach((weight, i) => {
        tensors[`${RESUME_TENSOR_PREFIX.liveWeights}${i}`] = weight.read();
      });
    }
    const resume: Omit<ResumeState, 'tensors'> = {
      format: 1,
      seed: config.seed,
      epoch: this.epoch,
      batches_done: this.#batchesDone,
      validated: this.#validated,
      epoch_totals: {
        loss_sum: this.#totals.lossSum,
        correct: this.#totals.correct,
        size: this.#totals.size,
      },
      epoch_row: { ...this.#row },
      csv_rows: this.#csv.rows,
      train_images: this.#trainImages,
      train_seconds: this.#trainSeconds,
      lr: this.lr,
      optimizer: optimizerState.json ?? null,
      scheduler: scheduler.stateDict?.() ?? null,
      callbacks: callbackJson,
      ...(gradScaler === undefined ? {} : { grad_scaler: gradScaler.stateDict() }),
    };
    await saveCheckpoint(this.model, path, state, {
      ...(averaged === undefined ? {} : { modelWeights: averaged }),
      resume: { state: resume, tensors },
    });
    this.#lastCheckpoint = path;
  }

  get bestModelPath(): string | undefined {
    return this.#setup.callbacks.bestModelPath();
  }

  get lastCheckpointPath(): string | undefined {
    return this.#lastCheckpoint;
  }

  async loadImages(split: SplitName, indices: readonly number[]): Promise<readonly RawImage[] | undefined> {
    const source = this.#setup.data[split];
    if (source?.loadImage === undefined) return undefined;
    for (const index of indices) {
      if (!Number.isInteger(index) || index < 0 || index >= source.size) {
        throw new RangeError(`image index ${index} is outside the ${split} split (size ${source.size})`);
      }
    }
    const loadImage = source.loadImage.bind(source);
    return Promise.all(indices.map((index) => loadImage(index)));
  }

  loadModel(path: string): Promise<LayersModel> {
    return loadCheckpointModel(path);
  }

  async linkCheckpoint(source: string, target: string): Promise<void> {
    await linkCheckpoint(source, target);
    this.#lastCheckpoint = target;
  }

  async validate(prefix: string): Promise<Readonly<Record<string, number>> | undefined> {
    const { data, config } = this.#setup;
    if (data.val === undefined) return undefined;
    const batchLimit = limitBatches(
      config.trainer.limit_val_batches,
      batchCount(data.val.size, config.data.batch_size),
      'limit_val_batches',
    );
    const evaluation = await evaluateSplit(this.model, data.val, {
      ...this.#evaluationSettings(),
      batchLimit,
      seed: config.seed,
      epoch: this.epoch,
    });
    if (evaluation === undefined) return undefined;
    const metrics = splitMetrics(prefix, evaluation);
    for (const [name, value] of Object.entries(metrics)) this.log(name, value);
    return metrics;
  }

  async run(): Promise<RunResults> {
    const { callbacks, config, optimizer, parameters, batchesPerEpoch, gradScaler } = this.#setup;
    const stepper = new OptimizerStepper(parameters, optimizer, {
      gradientClipVal: config.trainer.gradient_clip_val,
      gradientClipAlgorithm: config.trainer.gradient_clip_algorithm,
      gradScaler,
    });
    let interrupted = false;
    let epochsTrained = 0;
    try {
      await callbacks.call('onFitStart', this);
      if (this.#setup.resume !== undefined) this.#logResume(this.#setup.resume);
      const firstEpoch = this.epoch;
      for (let epoch = firstEpoch; epoch < this.maxEpochs; epoch++) {
        this.epoch = epoch;
        const resumed = epoch === firstEpoch && this.#setup.resume !== undefined;
        if (!resumed) this.#startEpochState();
        if (this.#batchesDone < batchesPerEpoch || !resumed) {
          interrupted = !(await this.#trainEpoch(stepper));
          if (interrupted) break;
        }
        epochsTrained = epoch + 1;
        await this.#finishEpoch();
        if (this.stopRequested) break;
      }
      if (interrupted) {
        this.interrupted = true;
        const last = join(defaultCheckpointDir(this.runDir), 'last');
        await this.saveCheckpoint(last);
        await this.#csv.append(this.#row);
        this.logger.warn(
          `interrupted at step ${this.globalStep} (epoch ${this.epoch + 1}/${this.maxEpochs}, ` +
            `batch ${this.#batchesDone}/${batchesPerEpoch}); wrote ${last}. ` +
            'Resume with the same command plus ckpt_path=last (and the same hydra.run.dir)',
        );
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

  /** A training batch and its loss after `model.digit_mix`: new numbers extend the classes its labels index. */
  #mixDigits(batch: Batch, index: number): [Batch, TrainLoss] {
    const loss = this.#trainLoss;
    const mixed = mixTrainingBatch(this.head, batch, loss.classes, this.#digitMix, {
      seed: this.config.seed,
      epoch: this.epoch,
      batch: index,
    });
    if (mixed.classes === loss.classes) return [mixed.batch, loss];
    const classWeights = mixedClassWeights(loss.classWeights, mixed.classes);
    return [mixed.batch, { ...loss, classes: mixed.classes, classWeights }];
  }

  /** Under `16-mixed` the loss is also multiplied by the current loss scale. */
  #scaledLoss(loss: TrainLoss): TrainLoss {
    const scaler = this.#setup.gradScaler;
    return scaler === undefined ? loss : { ...loss, scale: loss.scale * scaler.scale };
  }

  #startEpochState(): void {
    this.#row = {};
    this.#totals = { lossSum: 0, correct: 0, size: 0 };
    this.#batchesDone = 0;
    this.#validated = false;
  }

  #logResume(resume: ResumePoint): void {
    const { state } = resume;
    this.logger.info(
      `resuming from ${resume.path}: epoch ${state.epoch}, batch ${state.batches_done}, step ${resume.globalStep}`,
    );
  }

  /**
   * Trains the rest of the current epoch (from batch `#batchesDone`); false when interrupted by the abort
   * signal. Gradients of `accumulate_grad_batches` batches make one optimizer step (the epoch's last group steps
   * even when partial); an abort takes effect once the current optimizer step is done.
   */
  async #trainEpoch(stepper: OptimizerStepper): Promise<boolean> {
    const { config, data, scheduler, callbacks, signal, batchesPerEpoch, accumulate, gradScaler } =
      this.#setup;
    this.stage = 'fit';
    this.batchesInLoop = batchesPerEpoch;
    await callbacks.call('onTrainEpochStart', this);
    const started = performance.now();
    const imagesBefore = this.#totals.size;
    const skippedBefore = gradScaler?.skippedSteps ?? 0;
    let index = this.#batchesDone;
    let nextValidation = nextValidationAfter(index, this.#valInterval);
    const batches = data.train.batches({
      batchSize: config.data.batch_size,
      shuffle: true,
      seed: config.seed,
      epoch: this.epoch,
      augment: true,
      limitBatches: batchesPerEpoch,
      startBatch: index,
      dropLast: false,
    });
    let aborted = false;
    for await (const batch of batches) {
      if (index >= batchesPerEpoch) break;
      const [mixed, trainLoss] = this.#mixDigits(batch, index);
      const computed = computeGradients(this.model, this.#variables, mixed, this.#scaledLoss(trainLoss));
      stepper.add(computed.gradients);
      const step = this.globalStep;
      const stepsNow = stepper.pendingBatches === accumulate || index + 1 === batchesPerEpoch;
      if (stepsNow) {
        this.lr = scheduler.lrAt(step);
        // A step skipped for inf/NaN gradients still counts, as Lightning counts optimizer.step calls.
        await stepper.step(this.lr);
      }
      const outcome = await readTrainOutcome(computed);
      const loss = outcome.lossSum / outcome.size;
      if (!Number.isFinite(loss)) {
        const good = this.#lastCheckpoint ?? 'none was written yet';
        throw new ClsError(
          'TRAINING_DIVERGED',
          `training diverged: loss is ${loss} at step ${step} (epoch ${this.epoch}, batch ${index}); last good checkpoint: ${good}`,
          { hint: 'lower optimizer.lr, add warm-up or set trainer.gradient_clip_val' },
        );
      }
      addOutcome(this.#totals, outcome);
      if (stepsNow) this.#countStep(loss);
      index += 1;
      this.#batchesDone = index;
      await callbacks.call('onTrainBatchEnd', this, { index: index - 1, loss, size: outcome.size });
      if (stepper.pendingBatches === 0 && index < batchesPerEpoch && index >= nextValidation) {
        nextValidation = nextValidationAfter(index, this.#valInterval);
        await this.#validateIfDue(false);
        this.batchesInLoop = batchesPerEpoch;
      }
      // Batches and results often arrive as resolved promises, which never let the event loop reach the
      // phase where Ctrl-C (and a terminal's progress output) is handled: make room for it once per batch.
      await yieldToEventLoop();
      if (signal?.aborted === true && stepper.pendingBatches === 0) {
        aborted = true;
        break;
      }
    }
    if (!aborted && stepper.pendingBatches > 0) {
      // The split yielded fewer batches than announced: the partial group still steps, as at any epoch end.
      this.lr = scheduler.lrAt(this.globalStep);
      await stepper.step(this.lr);
      this.#countStep(this.#totals.size > 0 ? this.#totals.lossSum / this.#totals.size : NaN);
    }
    if (!aborted) this.#batchesDone = batchesPerEpoch;
    const skipped = (gradScaler?.skippedSteps ?? 0) - skippedBefore;
    if (gradScaler !== undefined && skipped > 0) {
      this.logger.info(
        `epoch ${this.epoch + 1}: skipped ${skipped} optimizer step${skipped === 1 ? '' : 's'} with inf/NaN gradients; ` +
          `loss scale now ${gradScaler.scale}`,
      );
    }
    this.#trainSeconds += (performance.now() - started) / 1000;
    this.#trainImages += this.#totals.size - imagesBefore;
    // An interrupted epoch's figures go to its partial metrics.csv row only: callbacks never see them.
    const record = aborted
      ? (name: string, value: number) => {
          this.#row[name] = value;
        }
      : (name: string, value: number) => {
          this.log(name, value);
        };
    record('epoch', this.epoch);
    record('step', this.globalStep);
    if (this.#totals.size > 0) {
      record('train/loss', this.#totals.lossSum / this.#totals.size);
      record('train/acc', this.#totals.correct / this.#totals.size);
    }
    return !aborted;
  }

  /** Lightning's order: validation at the end of the training epoch, then on_train_epoch_end, then the log row. */
  async #finishEpoch(): Promise<void> {
    if (!this.#validated) await this.#validateIfDue(true);
    await this.#setup.callbacks.call('onTrainEpochEnd', this);
    await this.#csv.append(this.#row);
    this.#logEpoch();
  }

  /**
   * Validates when this epoch is due (`check_val_every_n_epoch`). At the epoch's end the scheduler sees the
   * epoch's metrics before the validation hooks run, so a checkpoint written by them holds the updated schedule.
   */
  async #validateIfDue(endOfEpoch: boolean): Promise<void> {
    const { config, data, scheduler } = this.#setup;
    const due = (this.epoch + 1) % config.trainer.check_val_every_n_epoch === 0;
    if (data.val === undefined) {
      if (endOfEpoch && this.epoch === config.trainer.check_val_every_n_epoch - 1)
        this.logger.info('no val split: skipping validation');
      if (endOfEpoch) {
        scheduler.onEpochEnd?.(this.epoch, this.#row);
        this.#validated = true;
      }
      return;
    }
    if (!due) return;
    const evaluation = await this.#evaluate(
      'val',
      data.val,
      config.trainer.limit_val_batches,
      'limit_val_batches',
    );
    if (evaluation !== undefined) {
      for (const [name, value] of Object.entries(splitMetrics('val', evaluation))) this.log(name, value);
      this.validationPredictions = this.#predictionsOf('val', evaluation);
    }
    if (endOfEpoch) {
      scheduler.onEpochEnd?.(this.epoch, this.#row);
      this.#validated = true;
    }
    if (evaluation !== undefined) await this.#setup.callbacks.call('onValidationEnd', this);
  }

  #countStep(loss: number): void {
    this.globalStep += 1;
    if (this.globalStep % this.#setup.config.trainer.log_every_n_steps === 0) {
      this.logger.debug(`step ${this.globalStep}: loss ${loss.toFixed(4)} lr ${this.lr.toExponential(3)}`);
    }
  }

  /** Runs the model over a split in inference mode, firing the validation or test hooks. */
  async #evaluate(
    split: Exclude<SplitName, 'train'>,
    source: DataSplit,
    limit: number | null,
    key: string,
  ): Promise<SplitEvaluation | undefined> {
    const { config, callbacks } = this.#setup;
    const batchLimit = limitBatches(limit, batchCount(source.size, config.data.batch_size), key);
    this.batchesInLoop = batchLimit;
    await callbacks.call(split === 'val' ? 'onValidationStart' : 'onTestStart', this);
    const evaluation = await evaluateSplit(this.model, source, {
      ...this.#evaluationSettings(),
      batchLimit,
      seed: config.seed,
      epoch: this.epoch,
      onBatchEnd: (index) =>
        callbacks.call(split === 'val' ? 'onValidationBatchEnd' : 'onTestBatchEnd', this, index),
    });
    if (evaluation === undefined) this.logger.warn(`the ${split} split yielded no images`);
    return evaluation;
  }

  async #testWithBest(): Promise<RunResults> {
    const { data, config, callbacks } = this.#setup;
    const bestPath = callbacks.bestModelPath();
    if (data.test === undefined) {
      this.logger.info('no test split: skipping test');
      return {};
    }
    const averaged = callbacks.checkpointWeights();
    // The epoch the tested weights come from, which the test predictions name.
    let weightsEpoch = this.epoch;
    if (bestPath !== undefined) {
      this.logger.info(`testing with the best checkpoint ${bestPath}`);
      await loadCheckpointWeights(this.model, bestPath);
      weightsEpoch = (await loadTrainerState(bestPath)).epoch;
    } else if (averaged !== undefined) {
      this.logger.info('testing with the final averaged weights');
      this.model.setWeights([...averaged]);
    } else {
      this.logger.info('testing with the final weights');
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
    this.testPredictions = { ...this.#predictionsOf('test', evaluation), epoch: weightsEpoch };
    await callbacks.call('onTestEnd', this);
    this.logger.info(
      `test: loss ${(testMetrics['test/loss'] ?? NaN).toFixed(4)} acc ${(testMetrics['test/acc'] ?? NaN).toFixed(4)}` +
        ` f1_macro ${(testMetrics['test/f1_macro'] ?? NaN).toFixed(4)}`,
    );
    const perClass: Record<string, JsonValue> = {};
    const names = withOther(this.classes, this.head, evaluation);
    for (const [name, metrics] of Object.entries(evaluation.confusion.perClass(names))) {
      perClass[name] = { ...metrics };
    }
    return { ...testMetrics, ...headMetricsOf('test', evaluation), 'test/per_class': perClass };
  }

  /** What every evaluation pass shares: the head, the classes and how many of them a reading can name. */
  #evaluationSettings(): Omit<EvaluateSplitOptions, 'batchLimit' | 'seed' | 'epoch'> {
    const { config, data, head, numClasses } = this.#setup;
    return {
      batchSize: config.data.batch_size,
      // A digit head's reading may name no class of the run: the confusion matrix gets an `other` column.
      numClasses: head.readsUnseenClasses ? data.classes.length + 1 : numClasses,
      head,
      classes: data.classes,
      trainClassCounts: data.train.classCounts,
    };
  }

  #predictionsOf(split: 'val' | 'test', evaluation: SplitEvaluation): SplitPredictions {
    const readings = this.#setup.head.readsUnseenClasses ? { readings: evaluation.readings } : {};
    return { split, epoch: this.epoch, ...evaluation.samples.toArrays(), ...readings };
  }

  #logEpoch(): void {
    // EMA (or other averaged) weights are validated under their own prefix: shown beside the live ones.
    const parts = [
      'train/loss',
      'train/acc',
      'val/loss',
      'val/acc',
      'val/f1_macro',
      'val_ema/loss',
      'val_ema/acc',
    ]
      .filter((k) => this.#row[k] !== undefined)
      .map((k) => `${k} ${(this.#row[k] ?? NaN).toFixed(4)}`);
    this.logger.info(`epoch ${this.epoch + 1}/${this.maxEpochs}: ${parts.join('  ')}`);
  }

  #results(epochsTrained: number, interrupted: boolean, test: RunResults): RunResults {
    const { callbacks, data, numClasses, head, gradScaler } = this.#setup;
    const results: RunResults = {
      'test/acc': test['test/acc'] ?? null,
      'test/loss': test['test/loss'] ?? null,
      'test/acc_top5': test['test/acc_top5'] ?? null,
      'test/f1_macro': test['test/f1_macro'] ?? null,
      ...Object.fromEntries(Object.entries(test).filter(([key]) => !(key in TEST_KEYS_SHOWN_FIRST))),
      'test/per_class': test['test/per_class'] ?? null,
      'val/acc': this.#metrics['val/acc'] ?? null,
      'val/loss': this.#metrics['val/loss'] ?? null,
      'val/f1_macro': this.#metrics['val/f1_macro'] ?? null,
      best_model_path: callbacks.bestModelPath() ?? null,
      best_model_score: null,
      epochs_trained: epochsTrained,
      global_step: this.globalStep,
      ...(gradScaler === undefined
        ? {}
        : { loss_scale: gradScaler.scale, skipped_steps: gradScaler.skippedSteps }),
      num_classes: numClasses,
      head: head.name,
      classes: [...data.classes],
      train_images_per_second: this.#trainSeconds > 0 ? this.#trainImages / this.#trainSeconds : null,
      stopped_early: this.#stopReason ?? null,
      interrupted,
      resumed_from: this.#setup.resume?.path ?? null,
      callback_seconds: Object.fromEntries(
        Object.entries(callbacks.hookSeconds()).map(([name, seconds]) => [
          name,
          Math.round(seconds * 1000) / 1000,
        ]),
      ),
    };
    for (const callback of callbacks.callbacks) {
      for (const [key, value] of Object.entries(callback.summary?.() ?? {})) {
        results[key] ??= value;
      }
    }
    return results;
  }
}

/** The test metrics every run reports, in this order; a head's own ones (`test/acc_unseen`, …) follow them. */
const TEST_KEYS_SHOWN_FIRST = {
  'test/acc': true,
  'test/loss': true,
  'test/acc_top5': true,
  'test/f1_macro': true,
  'test/per_class': true,
};

function resizeOf(config: ClsConfig): { resize?: string } {
  const resize = (config.data as Record<string, unknown>).resize;
  return typeof resize === 'string' ? { resize } : {};
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The first batch count after `done` at which validation is due inside an epoch. */
function nextValidationAfter(done: number, interval: number): number {
  return (Math.floor(done / interval) + 1) * interval;
}

function addOutcome(totals: EpochTotals, outcome: BatchOutcome): void {
  totals.lossSum += outcome.lossSum;
  totals.correct += outcome.correct;
  totals.size += outcome.size;
}
