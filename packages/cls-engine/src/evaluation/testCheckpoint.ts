import { ClsError, type ClassifierModel, type DataSplit } from '@nextplay/cls-core';
import type { ClassMetrics } from '../metrics/confusionMatrix.js';
import { batchCount, limitBatches } from '../training/batchLimit.js';
import { evaluateSplit, splitMetrics } from './evaluateSplit.js';

export interface TestCheckpointOptions {
  /** The dataset's class names, indexed like its labels. */
  readonly classes: readonly string[];
  readonly batchSize: number;
  /** `trainer.limit_test_batches`: null or absent = the whole split. */
  readonly limitBatches?: number | null;
  readonly seed?: number;
  /** Called after every batch (progress hooks). */
  readonly onBatchEnd?: (index: number) => void | Promise<void>;
}

/** What Lightning's `trainer.test` reports for one model on one split. */
export interface CheckpointTestResults {
  /** `test/loss`, `test/acc`, `test/f1_macro` and, with five or more model outputs, `test/acc_top5`. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Keyed by class name, as `ConfusionMatrix.perClass`. */
  readonly perClass: Readonly<Record<string, ClassMetrics>>;
  /** Images evaluated (fewer than the split's size under a batch limit). */
  readonly numImages: number;
}

/**
 * Evaluates a trained model (typically loaded from a checkpoint) on a split, in inference mode and without
 * augmentation, with the metrics `fit` reports for its test stage.
 */
export async function testCheckpoint(
  model: ClassifierModel,
  split: DataSplit,
  options: TestCheckpointOptions,
): Promise<CheckpointTestResults> {
  const numClasses = model.outputs[0]?.shape[1] ?? 0;
  if (numClasses < options.classes.length) {
    throw new ClsError(
      'CHECKPOINT_INVALID',
      `the model has ${numClasses} outputs but the dataset has ${options.classes.length} classes`,
    );
  }
  const batchLimit = limitBatches(
    options.limitBatches ?? null,
    batchCount(split.size, options.batchSize),
    'limit_test_batches',
  );
  const evaluation = await evaluateSplit(model, split, {
    batchSize: options.batchSize,
    numClasses,
    batchLimit,
    seed: options.seed ?? 0,
    epoch: 0,
    ...(options.onBatchEnd === undefined ? {} : { onBatchEnd: options.onBatchEnd }),
  });
  if (evaluation === undefined) {
    throw new ClsError('DATA_SPLIT_EMPTY', `the ${split.name} split yielded no images to test on`);
  }
  return {
    metrics: splitMetrics('test', evaluation),
    perClass: evaluation.confusion.perClass(options.classes),
    numImages: evaluation.size,
  };
}
