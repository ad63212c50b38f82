import type { DataSplitInfo, SplitPredictions } from '@nextplay/cls-core';
import type { PredictionGridLayout } from './predictionGridLayout.js';
import type { SampleReason, SelectedSample } from './selectSamples.js';

/** One shown image as `predictions.json` lists it, in grid order (row by row). */
export interface PredictionsSampleEntry {
  /** Position in the split's unshuffled order, as in `SplitPredictions` and `DataSplitInfo.files`. */
  readonly index: number;
  /** The image file, when the dataset was read from files; null otherwise. */
  readonly path: string | null;
  /** True class name. */
  readonly true: string;
  /** Predicted class name. */
  readonly predicted: string;
  /** Probability of the predicted class. */
  readonly confidence: number;
  readonly correct: boolean;
  readonly reason: SampleReason;
  readonly true_index: number;
  readonly predicted_index: number;
}

/** `predictions.json`: what `plots/predictions.png` shows, to caption it. */
export interface PredictionsDocument {
  readonly caption: string;
  readonly split: SplitPredictions['split'];
  /** The 0-based epoch of the pass the predictions come from. */
  readonly epoch: number;
  /** Images the pass evaluated, and the share of them predicted right. */
  readonly evaluated: number;
  readonly accuracy: number;
  readonly shown: number;
  readonly shown_wrong: number;
  readonly columns: number;
  readonly rows: number;
  readonly tile_size: number;
  readonly image: string;
  readonly samples: readonly PredictionsSampleEntry[];
}

/** The class name of index `c`, or the index itself for an output no class is named for. */
export function className(classes: readonly string[], c: number): string {
  return classes[c] ?? String(c);
}

/** What sample `index` was read as: a digit head's reading ("47", even when no class is 47), else its class. */
export function predictedLabel(
  predictions: SplitPredictions,
  classes: readonly string[],
  index: number,
): string {
  const reading = predictions.readings?.[index];
  if (reading !== undefined) return reading === '' ? '(none)' : reading;
  return className(classes, predictions.predicted[index] ?? -1);
}

/** Builds `predictions.json` for the samples shown, in grid order. */
export function predictionsDocument(
  predictions: SplitPredictions,
  selected: readonly SelectedSample[],
  classes: readonly string[],
  split: DataSplitInfo | undefined,
  layout: PredictionGridLayout,
): PredictionsDocument {
  const samples = selected.map(({ index, reason }): PredictionsSampleEntry => {
    const t = predictions.targets[index] ?? -1;
    const p = predictions.predicted[index] ?? -1;
    return {
      index,
      path: split?.files?.[index]?.path ?? null,
      true: className(classes, t),
      predicted: predictedLabel(predictions, classes, index),
      confidence: round(predictions.confidence[index] ?? 0),
      correct: t === p,
      reason,
      true_index: t,
      predicted_index: p,
    };
  });
  const evaluated = Math.min(predictions.targets.length, predictions.predicted.length);
  let right = 0;
  for (let i = 0; i < evaluated; i++) if (predictions.targets[i] === predictions.predicted[i]) right += 1;
  const count = (reason: SampleReason): number => samples.filter((s) => s.reason === reason).length;
  const caption =
    `${samples.length} of ${evaluated} ${predictions.split} images (epoch ${predictions.epoch}, accuracy ` +
    `${((right / Math.max(1, evaluated)) * 100).toFixed(2)}%) with their true class, predicted class and its ` +
    `probability; wrong predictions in red frames. Shown: the ${count('most_confident_wrong')} most confident ` +
    `wrong, the ${count('least_confident_correct')} least confident correct, and ${count('random')} at random.`;
  return {
    caption,
    split: predictions.split,
    epoch: predictions.epoch,
    evaluated,
    accuracy: round(right / Math.max(1, evaluated)),
    shown: samples.length,
    shown_wrong: samples.filter((s) => !s.correct).length,
    columns: layout.columns,
    rows: layout.rows,
    tile_size: layout.tileSize,
    image: 'plots/predictions.png',
    samples,
  };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
