import { OTHER_CLASS, type ClassifierModel, type DataSplit, type ModelHead } from '@nextplay/cls-core';
import { ConfusionMatrix } from '../metrics/confusionMatrix.js';
import { evaluateBatch } from '../training/steps.js';
import { SampleOutcomes } from './sampleOutcomes.js';

const TOP_K = 5;

/** A split's evaluation: summed loss, its per-sample predictions, their confusion matrix and top-5 hits. */
export interface SplitEvaluation {
  /** What the head read of each sample, as text, in the split's order. */
  readonly readings: readonly string[];
  /** The head's own metrics (e.g. `acc_tens`, `acc_unseen`); null where a metric has no samples. */
  readonly headMetrics: Readonly<Record<string, number | null>>;
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
  /** Classes the head can predict: the model's outputs for a class head, the run's classes + `other` for a digit one. */
  readonly numClasses: number;
  readonly head: ModelHead;
  /** The run's class names, in label order. */
  readonly classes: readonly string[];
  /** Training images per class, for the head's metrics on classes without any (`acc_unseen`). */
  readonly trainClassCounts: readonly number[];
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
  const topK = numClasses >= TOP_K && options.head.countTopK !== undefined ? TOP_K : undefined;
  let top5Correct = topK === undefined ? undefined : 0;
  const readings: string[] = [];
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
    const evaluated = await evaluateBatch(model, batch, options.head, options.classes, topK);
    readings.push(...evaluated.readings);
    lossSum += evaluated.lossSum;
    confusion.add(batch.labels, evaluated.predictions);
    samples.add(batch.labels, evaluated.predictions, evaluated.confidence);
    if (top5Correct !== undefined) top5Correct += evaluated.topKCorrect ?? 0;
    await options.onBatchEnd?.(index);
    index += 1;
  }
  if (confusion.total === 0) return undefined;
  const { targets } = samples.toArrays();
  const headMetrics =
    options.head.metrics?.(readings, targets, options.classes, options.trainClassCounts) ?? {};
  return { lossSum, size: confusion.total, confusion, samples, top5Correct, readings, headMetrics };
}

/**
 * `<prefix>/loss`, `/acc`, `/f1_macro`, with five or more classes `/acc_top5`, and the head's metrics that have a
 * value (`/acc_tens`, …; see `headMetricsOf` for the null ones).
 */
export function splitMetrics(prefix: string, evaluation: SplitEvaluation): Record<string, number> {
  const metrics: Record<string, number> = {
    [`${prefix}/loss`]: evaluation.lossSum / evaluation.size,
    [`${prefix}/acc`]: evaluation.confusion.accuracy,
  };
  if (evaluation.top5Correct !== undefined) {
    metrics[`${prefix}/acc_top5`] = evaluation.top5Correct / evaluation.size;
  }
  metrics[`${prefix}/f1_macro`] = evaluation.confusion.f1Macro;
  for (const [name, value] of Object.entries(evaluation.headMetrics)) {
    if (value !== null) metrics[`${prefix}/${name}`] = value;
  }
  return metrics;
}

/** The head's metrics under `<prefix>/`, null ones included (for `results.json`). */
export function headMetricsOf(prefix: string, evaluation: SplitEvaluation): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries(evaluation.headMetrics).map(([name, value]) => [`${prefix}/${name}`, value]),
  );
}

/** The class names, plus `(other)` when a digit head read numbers that name no class. */
export function withOther(
  classes: readonly string[],
  head: ModelHead,
  evaluation: Pick<SplitEvaluation, 'confusion'>,
): readonly string[] {
  const readOther = head.readsUnseenClasses && evaluation.confusion.predicted(classes.length) > 0;
  return readOther ? [...classes, OTHER_CLASS] : classes;
}
