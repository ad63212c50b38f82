import type { ClassifierModel, DataSplit } from '@nextplay/cls-core';
import { ConfusionMatrix } from '../metrics/confusionMatrix.js';
import { evaluateBatch } from '../training/steps.js';
import { SampleOutcomes } from './sampleOutcomes.js';

const TOP_K = 5;

/** A split's evaluation: summed loss, its per-sample predictions, their confusion matrix and top-5 hits. */
export interface SplitEvaluation {
  readonly lossSum: number;
  readonly size: number;
  readonly confusion: ConfusionMatrix;
  /** Each sample's predicted class, true class and predicted-class probability, in the split's order. */
  readonly samples: SampleOutcomes;
  /** undefined with fewer than five classes. */
  readonly top5Correct: number | undefined;
}

export interface EvaluateSplitOptions {
  readonly batchSize: number;
  readonly numClasses: number;
  /** Batches to run (already resolved from a `limit_*_batches` setting). */
  readonly batchLimit: number;
  readonly seed: number;
  readonly epoch: number;
  /** Called after every batch (progress hooks). */
  readonly onBatchEnd?: (index: number) => void | Promise<void>;
}

/** Runs the model over a split in inference mode, without augmentation; undefined when no image was seen. */
export async function evaluateSplit(
  model: ClassifierModel,
  split: DataSplit,
  options: EvaluateSplitOptions,
): Promise<SplitEvaluation | undefined> {
  const { numClasses, batchLimit } = options;
  const confusion = new ConfusionMatrix(numClasses);
  const samples = new SampleOutcomes(Math.min(split.size, batchLimit * options.batchSize));
  let lossSum = 0;
  let top5Correct = numClasses >= TOP_K ? 0 : undefined;
  let index = 0;
  const batches = split.batches({
    batchSize: options.batchSize,
    shuffle: false,
    seed: options.seed,
    epoch: options.epoch,
    augment: false,
    limitBatches: batchLimit,
    dropLast: false,
  });
  for await (const batch of batches) {
    if (index >= batchLimit) break;
    const evaluated = await evaluateBatch(model, batch, numClasses, TOP_K);
    lossSum += evaluated.lossSum;
    confusion.add(batch.labels, evaluated.predictions);
    samples.add(batch.labels, evaluated.predictions, evaluated.confidence);
    if (top5Correct !== undefined) top5Correct += evaluated.topKCorrect ?? 0;
    await options.onBatchEnd?.(index);
    index += 1;
  }
  if (confusion.total === 0) return undefined;
  return { lossSum, size: confusion.total, confusion, samples, top5Correct };
}

/** `<prefix>/loss`, `/acc`, `/f1_macro` and, with five or more classes, `/acc_top5`. */
export function splitMetrics(prefix: string, evaluation: SplitEvaluation): Record<string, number> {
  const metrics: Record<string, number> = {
    [`${prefix}/loss`]: evaluation.lossSum / evaluation.size,
    [`${prefix}/acc`]: evaluation.confusion.accuracy,
  };
  if (evaluation.top5Correct !== undefined) {
    metrics[`${prefix}/acc_top5`] = evaluation.top5Correct / evaluation.size;
  }
  metrics[`${prefix}/f1_macro`] = evaluation.confusion.f1Macro;
  return metrics;
}
