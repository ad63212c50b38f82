import { ClsError, type ClassifierModel, type DataSplit, type ModelHead } from '@nextplay/cls-core';
import type { ClassMetrics } from '../metrics/confusionMatrix.js';
import { linearHead } from '../heads/linearHead.js';
import { batchCount, limitBatches } from '../training/batchLimit.js';
import { evaluateSplit, headMetricsOf, splitMetrics, withOther } from './evaluateSplit.js';

export interface TestCheckpointOptions {
  /** The dataset's class names, indexed like its labels. */
  readonly classes: readonly string[];
  /** The model's head (`model.head` of its run); default the linear head. */
  readonly head?: ModelHead;
  /** Training images per class of the model's run (indexed like `classes`, 0 past its own classes). */
  readonly trainClassCounts?: readonly number[];
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
  /** The head's own metrics (`test/acc_tens`, `test/acc_unseen`, …), null where one has no samples. */
  readonly headMetrics: Readonly<Record<string, number | null>>;
  /** What the head read of each image, in the split's order. */
  readonly readings: readonly string[];
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
  const head = options.head ?? linearHead;
  if (model.outputs.length !== head.outputNames.length) {
    throw new ClsError(
      'CHECKPOINT_INVALID',
      `the model has ${model.outputs.length} outputs but its head ${head.name} reads ${head.outputNames.length}`,
    );
  }
  const outputs = model.outputs[0]?.shape[1] ?? 0;
  // A digit head's reading may name no class: the confusion matrix gets an `other` column.
  const numClasses = head.readsUnseenClasses ? options.classes.length + 1 : outputs;
  if (!head.readsUnseenClasses && numClasses < options.classes.length) {
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
    head,
    classes: options.classes,
    // Unknown counts: every class is taken as trained on, so nothing is reported as unseen.
    trainClassCounts: options.trainClassCounts ?? options.classes.map(() => 1),
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
    headMetrics: headMetricsOf('test', evaluation),
    readings: evaluation.readings,
    perClass: evaluation.confusion.perClass(withOther(options.classes, head, evaluation)),
    numImages: evaluation.size,
  };
}
