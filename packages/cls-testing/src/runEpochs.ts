import type { CallbackHooks, SplitPredictions } from '@nextplay/cls-core';
import type { RecordingTrainerContext } from './recordingTrainerContext.js';

/**
 * What one epoch logs. `val/…` metrics are logged by validation, the others (e.g. `train/loss`) at the end of
 * the training batches. An epoch validates when it has `val/` metrics, as the engine's validation always logs
 * `val/loss` and `val/acc`; `{}` is an epoch without validation.
 */
export type EpochMetrics = Readonly<Record<string, number>>;

export interface RunEpochsOptions {
  /** 0-based index of the first epoch; default 0. */
  readonly firstEpoch?: number;
  /** Training batches per epoch; default `context.stepsPerEpoch`. */
  readonly batches?: number;
  /** Validation batches in an epoch that validates; default 1. */
  readonly validationBatches?: number;
  /** Learning rate of each step, like a scheduler's `lrAt(globalStep)`; default: `context.lr` stays as it is. */
  readonly lrAt?: (globalStep: number) => number;
  /** Images per training batch, as reported to `onTrainBatchEnd`; default 32. */
  readonly batchSize?: number;
  /**
   * The per-sample validation outcome of an epoch that validates, set as `context.validationPredictions` before
   * `onValidationEnd` (its `val/acc` should be the share of `predicted[i] === targets[i]`, as the engine's is).
   * Default: `context.validationPredictions` stays as it is.
   */
  readonly predictionsAt?: (epoch: number) => SplitPredictions | undefined;
}

/**
 * Drives `callback` through training epochs in the engine's hook order: `onTrainEpochStart`, per batch
 * (`lr` set, `globalStep` advanced) `onTrainBatchEnd`, then, if the epoch validates, `onValidationStart`,
 * `onValidationBatchEnd` per batch and `onValidationEnd` (after `validationPredictions` is set from `predictionsAt`),
 * and last `onTrainEpochEnd`. Each batch reports the
 * epoch's `train/loss` (0 when it has none). Metrics go straight into `context.metrics` (not `context.logged`,
 * which keeps only what the callback logs). Like the engine it stops after an epoch in which a stop was
 * requested. `onFitStart` / `onFitEnd` are left to the caller, so one run can span several calls.
 *
 * @returns the epoch after which training stopped, or undefined when every epoch ran.
 */
export async function runEpochs(
  callback: Partial<CallbackHooks>,
  context: RecordingTrainerContext,
  epochs: readonly EpochMetrics[],
  options: RunEpochsOptions = {},
): Promise<number | undefined> {
  const firstEpoch = options.firstEpoch ?? 0;
  const batches = options.batches ?? context.stepsPerEpoch;
  const validationBatches = options.validationBatches ?? 1;
  const size = options.batchSize ?? 32;
  for (const [offset, metrics] of epochs.entries()) {
    const { train, val } = splitMetrics(metrics);
    context.stage = 'fit';
    context.epoch = firstEpoch + offset;
    context.batchesInLoop = batches;
    await callback.onTrainEpochStart?.(context);
    for (let index = 0; index < batches; index++) {
      if (options.lrAt !== undefined) context.lr = options.lrAt(context.globalStep);
      context.globalStep += 1;
      await callback.onTrainBatchEnd?.(context, { index, loss: train['train/loss'] ?? 0, size });
    }
    Object.assign(context.metrics, train);
    if (Object.keys(val).length > 0) {
      context.batchesInLoop = validationBatches;
      await callback.onValidationStart?.(context);
      for (let index = 0; index < validationBatches; index++) {
        await callback.onValidationBatchEnd?.(context, index);
      }
      Object.assign(context.metrics, val);
      if (options.predictionsAt !== undefined)
        context.validationPredictions = options.predictionsAt(context.epoch);
      await callback.onValidationEnd?.(context);
    }
    await callback.onTrainEpochEnd?.(context);
    if (context.stopRequested) return context.epoch;
  }
  return undefined;
}

function splitMetrics(metrics: EpochMetrics): { train: Record<string, number>; val: Record<string, number> } {
  const train: Record<string, number> = {};
  const val: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics)) {
    if (name.startsWith('val/')) val[name] = value;
    else train[name] = value;
  }
  return { train, val };
}
