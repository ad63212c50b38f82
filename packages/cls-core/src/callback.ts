import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ClsConfig } from './configSchema.js';
import type { DataModuleInfo, RawImage, SplitName } from './data.js';
import type { ModelHead } from './head.js';
import type { Logger } from './logger.js';
import type { SplitPredictions } from './predictions.js';
import type { ModuleState } from './state.js';

export type Stage = 'fit' | 'validate' | 'test';

/** A JSON-serializable value, for callback state and run summaries. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** What a callback sees of the running trainer. */
export interface TrainerContext {
  readonly stage: Stage;
  /** 0-based epoch being trained (or just finished, in epoch-end hooks). */
  readonly epoch: number;
  readonly maxEpochs: number;
  /** Optimizer steps taken so far. */
  readonly globalStep: number;
  readonly stepsPerEpoch: number;
  /** Batches the current loop will run, for progress display. */
  readonly batchesInLoop: number;
  /** Learning rate of the most recent (or next) step. */
  readonly lr: number;
  /** Latest value of every logged metric (`train/loss`, `val/acc`, `lr`, …), like Lightning's callback_metrics. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly runDir: string;
  readonly logger: Logger;
  readonly model: LayersModel;
  /** The model's output layers (`model.head`): how its outputs are named and read. Absent: one `logits` output. */
  readonly head?: ModelHead;
  readonly classes: readonly string[];
  /**
   * The run's data as it was loaded: class names, image size and, per split, its size, per-class counts and
   * (for a dataset read from files) every file with its label, in the split's order.
   */
  readonly data: DataModuleInfo;
  /**
   * The per-sample predictions and targets of the latest validation with the validation hooks (set before
   * `onValidationEnd`, kept until the next one); undefined before the first. `validate(prefix)` leaves it as is.
   */
  readonly validationPredictions: SplitPredictions | undefined;
  /** The per-sample predictions and targets of the test pass at the end of `fit`, set before `onTestEnd`. */
  readonly testPredictions: SplitPredictions | undefined;
  /** The run's resolved config (what `.hydra/config.yaml` holds), e.g. for `model.arch` or `data.mean`. */
  readonly config: Readonly<ClsConfig>;
  /**
   * The best checkpoint so far by the checkpoint callback's monitor (Lightning's `best_model_path`); undefined
   * until one is saved, or when no callback tracks one.
   */
  readonly bestModelPath: string | undefined;
  /** The checkpoint this run wrote (or linked) most recently; undefined before the first. */
  readonly lastCheckpointPath: string | undefined;
  /**
   * Images `indices` (positions in the split's unshuffled order, as in `SplitPredictions`) of a split, decoded and
   * resized as evaluation sees them, before normalization; undefined when the split is absent or holds no images.
   */
  loadImages(split: SplitName, indices: readonly number[]): Promise<readonly RawImage[] | undefined>;
  /**
   * A new model of the run's architecture holding the weights of the checkpoint at `path` (one this run wrote);
   * the caller disposes it. For callbacks that use other weights than the live ones, e.g. exporting the best.
   */
  loadModel(path: string): Promise<LayersModel>;
  /** Records a metric for the current epoch; it lands in `metrics.csv` and `metrics`. */
  log(name: string, value: number): void;
  /** Ends training after the current epoch. */
  requestStop(reason: string): void;
  readonly stopRequested: boolean;
  /**
   * True once the run was interrupted (Ctrl-C): it ends after `onFitEnd` without validating or testing, so
   * callbacks should skip slow end-of-fit work (exports, benchmarks) and leave files consistent for a resume.
   */
  readonly interrupted: boolean;
  /** Writes a checkpoint (weights and trainer state) to `path`, atomically. */
  saveCheckpoint(path: string): Promise<void>;
  /**
   * Makes `target` the same checkpoint as `source` (one saved this run) without writing it again, atomically;
   * it stays intact when `source` is deleted. For `best`/`last` copies of the checkpoint just saved.
   */
  linkCheckpoint(source: string, target: string): Promise<void>;
  /**
   * Evaluates the model's current weights on the val split and logs `<prefix>/loss`, `<prefix>/acc`, … (as
   * validation logs `val/...`), without firing the validation hooks. Resolves with those metrics, or undefined
   * when there is no val split. For callbacks that validate other weights, e.g. an EMA of them (`val_ema`).
   */
  validate(prefix: string): Promise<Readonly<Record<string, number>> | undefined>;
}

export interface TrainBatchInfo {
  /** 0-based batch index within the epoch. */
  readonly index: number;
  readonly loss: number;
  readonly size: number;
}

/**
 * The lifecycle hooks, in the order they fire. Every hook is optional and may be async; the engine awaits it.
 * A callback's `order` places it before (`pre`) or after (`post`) the others, whatever its position in config.
 */
export interface CallbackHooks {
  onFitStart(context: TrainerContext): void | Promise<void>;
  onTrainEpochStart(context: TrainerContext): void | Promise<void>;
  onTrainBatchEnd(context: TrainerContext, batch: TrainBatchInfo): void | Promise<void>;
  /** Validation runs at the end of each training epoch (every `check_val_every_n_epoch`), as in Lightning. */
  onValidationStart(context: TrainerContext): void | Promise<void>;
  onValidationBatchEnd(context: TrainerContext, batchIndex: number): void | Promise<void>;
  onValidationEnd(context: TrainerContext): void | Promise<void>;
  /** After validation: the epoch's train and val metrics are both in `context.metrics`. */
  onTrainEpochEnd(context: TrainerContext): void | Promise<void>;
  onFitEnd(context: TrainerContext): void | Promise<void>;
  onTestStart(context: TrainerContext): void | Promise<void>;
  onTestBatchEnd(context: TrainerContext, batchIndex: number): void | Promise<void>;
  onTestEnd(context: TrainerContext): void | Promise<void>;
  /**
   * Last, once `results.json` is written (also after an interrupted fit, which tests nothing): for callbacks
   * that summarize the whole run from its files, such as a report.
   */
  onRunEnd(context: TrainerContext): void | Promise<void>;
  onException(context: TrainerContext, error: unknown): void | Promise<void>;
}

export type CallbackHookName = keyof CallbackHooks;

export const CALLBACK_HOOK_NAMES = [
  'onFitStart',
  'onTrainEpochStart',
  'onTrainBatchEnd',
  'onValidationStart',
  'onValidationBatchEnd',
  'onValidationEnd',
  'onTrainEpochEnd',
  'onFitEnd',
  'onTestStart',
  'onTestBatchEnd',
  'onTestEnd',
  'onRunEnd',
  'onException',
] as const satisfies readonly CallbackHookName[];

/**
 * What a failure inside a callback (a hook, `stateDict`, `loadStateDict`) does to the run. `stop` (the default):
 * the run ends with the error, named `[callback] hook failed: …`, as a checkpoint that cannot be written must.
 * `warn`: the same message is logged once as a warning and the run goes on without what that call would have
 * done; for callbacks whose output is only for people to look at (plots, reports), which must never lose a run.
 */
export type CallbackFailure = 'stop' | 'warn';

export interface Callback extends Partial<CallbackHooks> {
  readonly name: string;
  readonly order?: 'pre' | 'post';
  /** Default `stop`. */
  readonly failure?: CallbackFailure;
  /** The checkpoint the run should be tested with, if this callback tracks one (Lightning's best_model_path). */
  bestModelPath?(): string | undefined;
  /** Entries merged into `results.json` at the end of the run. */
  summary?(): Readonly<Record<string, JsonValue>>;
  /** Saved in every checkpoint under the callback's name (Lightning's `state_dict`). */
  stateDict?(): ModuleState;
  /** On resume, before `onFitStart`: the state `stateDict` returned when the checkpoint was written. */
  loadStateDict?(state: ModuleState): void;
  /**
   * Weights that checkpoints store as the model's, in `model.weights` order, instead of the live ones (weight
   * averaging such as EMA); undefined to store the live weights. The live weights are kept too, for resuming.
   */
  checkpointWeights?(): readonly Tensor[] | undefined;
}

export interface CallbackContext {
  readonly logger: Logger;
}
