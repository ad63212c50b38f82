/**
 * A d3-format string for learning-rate ticks (`.Ne`) with enough digits that no two ticks read the same, for an
 * axis of about `tickCount` ticks over `values`.
 */
export function learningRateAxisFormat(values: readonly number[], tickCount: number): string {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return '.1e';
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  // vega rounds the domain out to whole steps first, which can only make its step larger, never finer.
  const step = tickStep(min, max, tickCount);
  if (step === undefined) return '.2e'; // one value: one tick, shown to 3 significant digits
  // The largest tick can be a step past the largest value.
  const largest = Math.max(Math.abs(min), Math.abs(max)) + step.value;
  const digits = decimalExponent(largest) - step.exponent;
  return `.${Math.min(6, Math.max(1, digits))}e`;
}

/**
 * d3-array's tick step for `count` ticks over [min, max] (1, 2 or 5 times a power of ten), with the exponent of
 * its last significant digit; undefined when min and max are the same.
 */
function tickStep(min: number, max: number, count: number): { value: number; exponent: number } | undefined {
  const rough = (max - min) / count;
  if (!(rough > 0)) return undefined;
  const power = decimalExponent(rough);
  const error = rough / 10 ** power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.SQRT2 ? 2 : 1;
  // Dividing by a power of ten is exact where multiplying by a negative one is not (1e-5 * 10 != 1e-4).
  const value = power < 0 ? factor / 10 ** -power : factor * 10 ** power;
  return { value, exponent: factor === 10 ? power + 1 : power };
}

/** The exponent of `value` in e-notation (`toExponential` is exact where `Math.log10` can round). */
function decimalExponent(value: number): number {
  return Number(value.toExponential().split('e')[1]);
}
