import type { ImageSize } from '@nextplay/cls-core';
import { TransformOptionError } from './transformOptionError.js';

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

/** `option: must be <expected>, got <value>`, for the pipeline to prefix with the step's place in its list. */
export function invalid(option: string, value: unknown, expected: string): TransformOptionError {
  return new TransformOptionError(option, `must be ${expected}, got ${JSON.stringify(value)}`);
}

/** An output size as torchvision takes it: `s` (a square for crops, the short side for resize) or `[h, w]`. */
export type Size = number | readonly [number, number];

/** JSON Schema of a `size` option: null (data.image_size), `s` or `[h, w]`. */
export function sizeSchema(description: string): Record<string, unknown> {
  return {
    anyOf: [
      { type: 'integer', minimum: 1 },
      { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 },
      { type: 'null' },
    ],
    default: null,
    description,
  };
}

/** Reads a `size` option: `[h, w]`, or `[s, s]` for `s`, or `imageSize` (`data.image_size`) for null. */
export function readSize(option: string, value: unknown, imageSize: ImageSize): [number, number] {
  if (value === undefined || value === null) return [imageSize[0], imageSize[1]];
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (positive(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every(positive)) {
    const [height, width] = value as [number, number];
    return [height, width];
  }
  throw invalid(option, value, 'an integer >= 1, [height, width] or null (data.image_size)');
}

/** Python's `round`: halves go to the even neighbour, as torchvision's parameter sampling rounds. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** `torch.randint(low, high)`: an integer in [low, high). */
export function randomInt(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low));
}

/** Uniform in [min, max). */
export function uniform(random: () => number, [min, max]: Range): number {
  return min + random() * (max - min);
}
