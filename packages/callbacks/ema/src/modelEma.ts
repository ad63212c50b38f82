import {
  ClsError,
  type Callback,
  type JsonValue,
  type ModuleState,
  type TrainerContext,
} from '@nextplay/cls-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { emaDecay } from './emaDecay.js';
import { resolveEmaOptions, type EmaOptions, type ResolvedEmaOptions } from './emaOptions.js';
import { copyWeights, lerpWeights, writeWeights } from './weightTensors.js';

/** The metric prefix of the EMA weights' validation. */
export const EMA_METRIC_PREFIX = 'val_ema';
/** The prefix of the validation metrics of the weights checkpoints hold (the better of EMA and live). */
export const CHECKPOINT_METRIC_PREFIX = 'val_ckpt';
const LIVE_METRIC_PREFIX = 'val';

/**
 * timm's ModelEmaV3 as a callback: an exponential moving average of every model weight (trainable weights and
 * batch-norm moving statistics), updated once after each optimizer step with timm's decay schedule. After each
 * validation of `fit` the EMA weights are validated as `val_ema/...`; runs before the other callbacks (`pre`),
 * so model_checkpoint and early_stopping may monitor `val_ema/acc`. Checkpoints store the weights that validated
 * better, EMA or live (`checkpoint: better`, logged as `val_ckpt/...`), or always the EMA (`checkpoint: ema`), as
 * the model's (the engine keeps the live ones for resuming), so the best checkpoint and testing use them.
 */
export class ModelEma implements Callback {
  readonly name = 'ema';
  readonly order = 'pre';
  readonly options: ResolvedEmaOptions;
  /** The EMA weights in `model.weights` order; undefined until the fit starts or a checkpoint restores them. */
  #average: Tensor[] | undefined;
  /** The optimizer step of the last update; the EMA is updated when `globalStep` has moved past it. */
  #updatedAtStep = 0;
  /** Set by loadStateDict, so that the next onFitStart keeps the restored EMA. */
  #restored = false;
  #lastMetrics: Readonly<Record<string, number>> | undefined;
  /** Whether checkpoints hold the EMA weights; with `checkpoint: better`, decided at each validation. */
  #checkpointHoldsEma = true;

  constructor(options: Readonly<EmaOptions> = {}) {
    this.options = resolveEmaOptions(options);
  }

  /** The decay of the update after optimizer step `step` (1 for the first). */
  decayAt(step: number): number {
    return emaDecay(step, this.options);
  }

  /** The optimizer step the EMA was last updated after (0 before the first update). */
  get updatedAtStep(): number {
    return this.#updatedAtStep;
  }

  onFitStart(context: TrainerContext): void {
    const variables = context.model.weights;
    if (this.#restored && this.#average !== undefined) {
      this.#restored = false;
      const mismatch = describeMismatch(this.#average, variables);
      if (mismatch !== undefined) {
        throw new ClsError(
          'CHECKPOINT_INVALID',
          `callbacks.ema: the checkpoint's EMA does not fit the model: ${mismatch}`,
        );
      }
      return;
    }
    this.dispose();
    this.#average = copyWeights(variables);
    this.#updatedAtStep = context.globalStep;
  }

  onTrainBatchEnd(context: TrainerContext): void {
    // With gradient accumulation several batches share one optimizer step: update once per step.
    if (context.globalStep <= this.#updatedAtStep) return;
    const variables = context.model.weights;
    const previous = this.#average ?? copyWeights(variables);
    this.#average = lerpWeights(previous, variables, this.decayAt(context.globalStep));
    for (const tensor of previous) tensor.dispose();
    this.#updatedAtStep = context.globalStep;
  }

  async onValidationEnd(context: TrainerContext): Promise<void> {
    if (context.stage !== 'fit' || this.#average === undefined) return;
    if (this.options.validate) {
      const variables = context.model.weights;
      const live = copyWeights(variables);
      try {
        writeWeights(variables, this.#average);
        this.#lastMetrics = (await context.validate(EMA_METRIC_PREFIX)) ?? this.#lastMetrics;
      } finally {
        writeWeights(variables, live);
        for (const tensor of live) tensor.dispose();
      }
    }
    this.#checkpointHoldsEma = this.#emaIsCheckpointed(context.metrics);
    const chosen = this.#checkpointHoldsEma ? EMA_METRIC_PREFIX : LIVE_METRIC_PREFIX;
    for (const [name, value] of Object.entries(context.metrics)) {
      if (name.startsWith(`${chosen}/`)) {
        context.log(`${CHECKPOINT_METRIC_PREFIX}/${name.slice(chosen.length + 1)}`, value);
      }
    }
  }

  /**
   * Whether checkpoints hold the EMA after this validation. Without its own validation (`validate: false`) the EMA
   * cannot be compared, so `better` keeps the live weights; `ema` with `validate: false` is refused up front.
   */
  #emaIsCheckpointed(metrics: Readonly<Record<string, number>>): boolean {
    if (this.options.checkpoint === 'ema') return true;
    if (!this.options.validate) return false;
    return this.#lastMetrics === undefined || emaValidatedBetter(this.#lastMetrics, metrics);
  }

  checkpointWeights(): readonly Tensor[] | undefined {
    return this.#checkpointHoldsEma ? this.#average : undefined;
  }

  stateDict(): ModuleState {
    const tensors: Record<string, Tensor> = {};
    for (const [index, tensor] of (this.#average ?? []).entries()) tensors[weightKey(index)] = tensor;
    return {
      json: {
        updated_at_step: this.#updatedAtStep,
        weights: this.#average?.length ?? 0,
        checkpoint_holds_ema: this.#checkpointHoldsEma,
      },
      tensors,
    };
  }

  loadStateDict(state: ModuleState): void {
    const json = state.json;
    const tensors = state.tensors ?? {};
    const count = isRecord(json) ? json.weights : undefined;
    const step = isRecord(json) ? json.updated_at_step : undefined;
    if (typeof count !== 'number' || typeof step !== 'number') {
      throw new ClsError('CHECKPOINT_INVALID', 'callbacks.ema: the checkpoint holds no EMA state');
    }
    const restored: Tensor[] = [];
    for (let index = 0; index < count; index++) {
      const tensor = tensors[weightKey(index)];
      if (tensor === undefined) {
        for (const copy of restored) copy.dispose();
        throw new ClsError(
          'CHECKPOINT_INVALID',
          `callbacks.ema: the checkpoint lacks EMA weight ${String(index)}`,
        );
      }
      restored.push(tensor.clone());
    }
    this.dispose();
    this.#average = count === 0 ? undefined : restored;
    this.#restored = this.#average !== undefined;
    this.#updatedAtStep = step;
    // Checkpoints written before the choice existed always held the EMA.
    this.#checkpointHoldsEma = !(isRecord(json) && json.checkpoint_holds_ema === false);
  }

  summary(): Readonly<Record<string, JsonValue>> {
    return {
      [`${EMA_METRIC_PREFIX}/acc`]: this.#lastMetrics?.[`${EMA_METRIC_PREFIX}/acc`] ?? null,
      [`${EMA_METRIC_PREFIX}/loss`]: this.#lastMetrics?.[`${EMA_METRIC_PREFIX}/loss`] ?? null,
      ema_decay: this.options.decay,
      checkpoint_weights: this.#checkpointHoldsEma ? 'ema' : 'live',
    };
  }

  /** Frees the EMA weights (what `checkpointWeights` returned). */
  dispose(): void {
    for (const tensor of this.#average ?? []) tensor.dispose();
    this.#average = undefined;
  }
}

/** EMA and live validation compared by accuracy, then loss; a tie keeps the EMA. */
function emaValidatedBetter(
  ema: Readonly<Record<string, number>>,
  metrics: Readonly<Record<string, number>>,
): boolean {
  const emaAcc = ema[`${EMA_METRIC_PREFIX}/acc`];
  const liveAcc = metrics[`${LIVE_METRIC_PREFIX}/acc`];
  if (emaAcc === undefined || liveAcc === undefined) return true;
  if (emaAcc !== liveAcc) return emaAcc > liveAcc;
  return (ema[`${EMA_METRIC_PREFIX}/loss`] ?? 0) <= (metrics[`${LIVE_METRIC_PREFIX}/loss`] ?? 0);
}

function weightKey(index: number): string {
  return `weight_${String(index)}`;
}

/** Why `average` cannot be the EMA of `variables`, or undefined when it can. */
function describeMismatch(
  average: readonly Tensor[],
  variables: readonly LayerVariable[],
): string | undefined {
  if (average.length !== variables.length) {
    return `it holds ${String(average.length)} weights, the model has ${String(variables.length)}`;
  }
  for (const [index, tensor] of average.entries()) {
    const variable = variables[index];
    if (variable !== undefined && !sameShape(tensor.shape, variable.shape)) {
      return (
        `weight ${String(index)} (${variable.originalName}) has shape [${tensor.shape.join(', ')}], ` +
        `the model's is [${variable.shape.join(', ')}]`
      );
    }
  }
  return undefined;
}

function sameShape(a: readonly number[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}

function isRecord(value: JsonValue | undefined): value is Readonly<Record<string, JsonValue>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
