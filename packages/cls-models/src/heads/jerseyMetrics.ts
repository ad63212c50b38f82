import { parseJerseyNumber, type JerseyDigits } from './jerseyNumber.js';

/** Whole-number and per-digit accuracies of a digit-aware head on one split. */
export interface JerseyMetrics {
  /** Whole number right. */
  readonly acc: number;
  /** Tens position right (none counts as a value of its own). */
  readonly acc_tens: number;
  readonly acc_units: number;
  /** Whole-number accuracy on the samples whose number has no training crops; null when there are none. */
  readonly acc_unseen: number | null;
}

function digitsOf(label: string): JerseyDigits | null {
  return /^[0-9]{1,2}$/.test(label) ? parseJerseyNumber(label) : null;
}

/**
 * Scores predicted number strings against the true ones. A prediction that is not a one- or two-digit number
 * (a sequence head that read nothing, or three digits) is wrong on every count.
 */
export function jerseyMetrics(
  predicted: readonly string[],
  actual: readonly string[],
  trainNumbers: ReadonlySet<string>,
): JerseyMetrics {
  if (predicted.length !== actual.length || actual.length === 0) {
    throw new RangeError(`jerseyMetrics: ${predicted.length} predictions for ${actual.length} labels`);
  }
  let whole = 0;
  let tens = 0;
  let units = 0;
  let unseen = 0;
  let unseenRight = 0;
  actual.forEach((label, i) => {
    const truth = parseJerseyNumber(label);
    const guess = digitsOf(predicted[i] ?? '');
    const right = guess !== null && guess.tens === truth.tens && guess.units === truth.units;
    if (right) whole += 1;
    if (guess?.tens === truth.tens) tens += 1;
    if (guess?.units === truth.units) units += 1;
    if (!trainNumbers.has(label)) {
      unseen += 1;
      if (right) unseenRight += 1;
    }
  });
  const n = actual.length;
  return {
    acc: whole / n,
    acc_tens: tens / n,
    acc_units: units / n,
    acc_unseen: unseen === 0 ? null : unseenRight / unseen,
  };
}
