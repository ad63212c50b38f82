/** `value` rounded to `digits` decimals, for readable JSON. */
export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
