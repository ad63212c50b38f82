import { ClsError } from '@nextplay/cls-core';
import { invalid } from './transformOptions.js';

/** What a warp writes outside the source, as torchvision's `fill`: one level for every channel, or one per channel. */
export type Fill = number | readonly number[];

/** JSON Schema of `fill`: a level 0–255, or a list of levels (one, or one per channel). */
export const fillSchema: Record<string, unknown> = {
  anyOf: [
    { type: 'integer', minimum: 0, maximum: 255 },
    { type: 'array', items: { type: 'integer', minimum: 0, maximum: 255 }, minItems: 1 },
  ],
  default: 0,
  description: 'Level 0–255 of the area outside the source, or one level per channel, e.g. [124, 116, 104].',
};

/** Whether `value` is a `Fill`: an integer 0–255, or a non-empty list of them. */
export function isFill(value: unknown): value is Fill {
  const level = (v: unknown): v is number =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255;
  return level(value) || (Array.isArray(value) && value.length > 0 && value.every(level));
}

/** Reads `fill` (0–255, or a list of them), or throws naming `option`. */
export function readFill(option: string, fill: unknown): Fill {
  if (isFill(fill)) return fill;
  throw invalid(option, fill, 'an integer 0–255 or a list of them, one per channel');
}

/**
 * `fill` as one level per channel of a `channels`-channel image. Like torchvision, a list holds one level or one per
 * channel; any other length is refused.
 */
export function fillPerChannel(fill: Fill, channels: number): number[] {
  if (typeof fill === 'number') return new Array<number>(channels).fill(fill);
  if (fill.length === 1) return new Array<number>(channels).fill(fill[0] ?? 0);
  if (fill.length === channels) return [...fill];
  throw new ClsError(
    'CONFIG_INVALID',
    `fill ${JSON.stringify(fill)} has ${fill.length} levels for a ${channels}-channel image: give one level, or one per channel`,
  );
}
