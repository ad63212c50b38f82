import { createRandom, shuffleInPlace, type SplitPredictions } from '@nextplay/cls-core';

/** Why a sample is in the grid. */
export type SampleReason = 'most_confident_wrong' | 'least_confident_correct' | 'random';

export interface SelectedSample {
  /** Position in the split's unshuffled order (as in `SplitPredictions`). */
  readonly index: number;
  readonly reason: SampleReason;
}

export interface SampleSelection {
  readonly count: number;
  readonly mostConfidentWrong: number;
  readonly leastConfidentCorrect: number;
  readonly seed: number;
}

/**
 * Picks the samples to show: the most confident wrong predictions (most confident first), then the least
 * confident correct ones (least confident first), then a seeded random sample of the rest in split order. When
 * there are fewer wrong or correct predictions than asked, the random sample takes their places.
 */
export function selectSamples(predictions: SplitPredictions, selection: SampleSelection): SelectedSample[] {
  const size = Math.min(
    predictions.predicted.length,
    predictions.targets.length,
    predictions.confidence.length,
  );
  const count = Math.min(selection.count, size);
  const confidence = (i: number): number => {
    const value = predictions.confidence[i] ?? 0;
    return Number.isNaN(value) ? 0 : value;
  };
  const wrong: number[] = [];
  const correct: number[] = [];
  for (let i = 0; i < size; i++)
    (predictions.predicted[i] === predictions.targets[i] ? correct : wrong).push(i);
  wrong.sort((a, b) => confidence(b) - confidence(a) || a - b);
  correct.sort((a, b) => confidence(a) - confidence(b) || a - b);

  const chosen: SelectedSample[] = [];
  const take = (indices: readonly number[], limit: number, reason: SampleReason): void => {
    const room = Math.min(limit, count - chosen.length);
    for (const index of indices.slice(0, Math.max(0, room))) chosen.push({ index, reason });
  };
  take(wrong, selection.mostConfidentWrong, 'most_confident_wrong');
  take(correct, selection.leastConfidentCorrect, 'least_confident_correct');

  const taken = new Set(chosen.map((sample) => sample.index));
  const rest: number[] = [];
  for (let i = 0; i < size; i++) if (!taken.has(i)) rest.push(i);
  const sample = shuffleInPlace(rest, createRandom(selection.seed))
    .slice(0, count - chosen.length)
    .sort((a, b) => a - b);
  take(sample, sample.length, 'random');
  return chosen;
}
