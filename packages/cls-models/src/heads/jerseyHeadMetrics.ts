import { jerseyMetrics } from './jerseyMetrics.js';

/**
 * `acc_tens`, `acc_units` and `acc_unseen` (whole-number accuracy on the samples whose class has no training
 * images; null when none has) of a digit-aware head's readings against the true classes.
 */
export function jerseyHeadMetrics(
  readings: readonly string[],
  targets: ArrayLike<number>,
  classes: readonly string[],
  trainClassCounts: readonly number[],
): Record<string, number | null> {
  if (readings.length === 0) return {};
  const trained = new Set(classes.filter((_, c) => (trainClassCounts[c] ?? 0) > 0));
  const actual = Array.from(targets, (c) => classes[c] ?? '');
  const { acc_tens, acc_units, acc_unseen } = jerseyMetrics(readings, actual, trained);
  return { acc_tens, acc_units, acc_unseen };
}
