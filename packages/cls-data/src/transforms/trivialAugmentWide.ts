import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { applyAugmentOp, trivialAugmentSpace, type AugmentOp } from './augmentOps.js';
import { fillSchema, readFill, type Fill } from './fill.js';
import { interpolationSchema } from './transformSchemas.js';
import { randomInt } from './transformOptions.js';
import type { Interpolation } from './warp.js';

export interface TrivialAugmentWideOptions {
  readonly num_magnitude_bins?: number;
  readonly interpolation?: Interpolation;
  readonly fill?: Fill;
}

/** torchvision's TrivialAugmentWide: one op drawn uniformly at a uniformly drawn magnitude bin. */
export function createTrivialAugmentWide(options: Readonly<TrivialAugmentWideOptions>): ImageTransform {
  const space = trivialAugmentSpace(options.num_magnitude_bins ?? 31);
  const ops = Object.keys(space) as AugmentOp[];
  const interpolation = options.interpolation ?? 'nearest';
  const fill = readFill('trivial_augment_wide.fill', options.fill ?? 0);
  return {
    name: 'trivial_augment_wide',
    apply(image, random) {
      const op = ops[randomInt(random, 0, ops.length)] ?? 'Identity';
      const { magnitudes = [], signed = false } = space[op] ?? {};
      let m = magnitudes.length > 0 ? (magnitudes[randomInt(random, 0, magnitudes.length)] ?? 0) : 0;
      if (signed && randomInt(random, 0, 2) === 1) m = -m;
      return applyAugmentOp(image, op, m, interpolation, fill);
    },
  };
}

export const trivialAugmentWideTransform = definePlugin<'transform', TrivialAugmentWideOptions>({
  kind: 'transform',
  name: 'trivial_augment_wide',
  package: '@nextplay/cls-data',
  description: 'TrivialAugmentWide: one random op at a random magnitude (torchvision TrivialAugmentWide).',
  optionsSchema: {
    type: 'object',
    properties: {
      num_magnitude_bins: {
        type: 'integer',
        minimum: 2,
        default: 31,
        description: 'Bins of the magnitude scale.',
      },
      interpolation: interpolationSchema('nearest'),
      fill: fillSchema,
    },
    additionalProperties: false,
  },
  create: (options) => createTrivialAugmentWide(options),
});
