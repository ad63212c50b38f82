import { ClsError } from '@nextplay/cls-core';

export type Range = readonly [number, number];

/** JSON Schema of a `[min, max]` pair. */
export function rangeSchema(defaultValue: Range, description: string): Record<string, unknown> {
  return {
    type: 'array',
    items: { type: 'number' },
    minItems: 2,
    maxItems: 2,
    default: defaultValue,
    description,
  };
}

/** JSON Schema of an amount `d` (meaning a range around a centre) or an explicit `[min, max]`. */
export function spreadSchema(defaultValue: number, description: string): Record<string, unknown> {
  return {
    anyOf: [
      { type: 'number', minimum: 0 },
      { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    ],
    default: defaultValue,
    description,
  };
}

/** Reads a `[min, max]` option within `[lower, upper]`, or throws `CONFIG_INVALID` naming it. */
export function readRange(
  option: string,
  value: unknown,
  fallback: Range,
  lower: number,
  upper: number,
): Range {
  if (value === undefined) return fallback;
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((v): v is number => typeof v === 'number' && Number.isFinite(v))
  ) {
    throw invalid(option, value, `[min, max]`);
  }
  const [min, max] = value as [number, number];
  if (min > max || min < lower || max > upper) {
    throw invalid(option, value, `[min, max] with ${lower} <= min <= max <= ${upper}`);
  }
  return [min, max];
}

/**
 * Reads an amount `d` as `[centre - d, centre + d]` (cut at `lower`), or an explicit `[min, max]`, like
 * torchvision's ColorJitter and RandomRotation arguments.
 */
export function readSpread(
  option: string,
  value: unknown,
  centre: number,
  lower: number,
  upper: number,
): Range {
  if (value === undefined) return [centre, centre];
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw invalid(option, value, 'a number >= 0 or [min, max]');
    const range: Range = [Math.max(lower, centre - value), centre + value];
    if (range[1] > upper) throw invalid(option, value, `at most ${upper - centre}`);
    return range;
  }
  return readRange(option, value, [centre, centre], lower, upper);
}

/** Reads a probability in [0, 1]. */
export function readProbability(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    throw invalid(option, value, 'a probability in [0, 1]');
  return value;
}

export function invalid(option: string, value: unknown, expected: string): ClsError {
  return new ClsError(
    'CONFIG_INVALID',
    `data.augment.${option} must be ${expected}, got ${JSON.stringify(value)}`,
  );
}

/** Uniform in [min, max). */
export function uniform(random: () => number, [min, max]: Range): number {
  return min + random() * (max - min);
}
