import { OTHER_CLASS, type SplitPredictions } from '@nextplay/cls-core';

/** A confusion matrix of counts: `counts[t][p]` samples of true class `t` predicted as `p`. */
export interface ConfusionCounts {
  /** Row and column names, in the run's class order (an index for a model output no class is named for). */
  readonly classes: readonly string[];
  readonly counts: readonly (readonly number[])[];
  readonly total: number;
  readonly correct: number;
}

/** One off-diagonal cell: `count` samples of class `trueClass` predicted as `predicted`. */
export interface ConfusedPair {
  readonly trueClass: string;
  readonly predicted: string;
  readonly count: number;
  /** `count` over the true class's samples. */
  readonly shareOfTrue: number;
}

/**
 * Counts the (true, predicted) pairs of a validation pass. With a digit head's readings, index `classes.length` is
 * `(other)`: whole numbers the head read that are no class of the run (its row stays empty).
 */
export function confusionCounts(
  predictions: SplitPredictions,
  classNames: readonly string[],
): ConfusionCounts {
  let size = classNames.length;
  for (const p of predictions.predicted) size = Math.max(size, p + 1);
  for (const t of predictions.targets) size = Math.max(size, t + 1);
  const classes = Array.from(
    { length: size },
    (_, c) =>
      classNames[c] ??
      (predictions.readings !== undefined && c === classNames.length ? OTHER_CLASS : String(c)),
  );
  const counts = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  let correct = 0;
  predictions.targets.forEach((t, i) => {
    const p = predictions.predicted[i] ?? -1;
    const row = counts[t];
    if (row === undefined || p < 0) return;
    row[p] = (row[p] ?? 0) + 1;
    if (p === t) correct += 1;
  });
  return { classes, counts, total: predictions.targets.length, correct };
}

/** The `limit` largest off-diagonal cells, largest first (ties: by true, then predicted class index). */
export function mostConfusedPairs(matrix: ConfusionCounts, limit: number): ConfusedPair[] {
  const pairs: (ConfusedPair & { order: number })[] = [];
  matrix.counts.forEach((row, t) => {
    const support = row.reduce((sum, count) => sum + count, 0);
    row.forEach((count, p) => {
      if (p === t || count === 0) return;
      pairs.push({
        trueClass: matrix.classes[t] ?? String(t),
        predicted: matrix.classes[p] ?? String(p),
        count,
        shareOfTrue: count / support,
        order: t * row.length + p,
      });
    });
  });
  pairs.sort((a, b) => b.count - a.count || a.order - b.order);
  return pairs.slice(0, limit).map(({ order: _order, ...pair }) => pair);
}
