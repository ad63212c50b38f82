import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { applyAugmentOp, randAugmentSpace, type AugmentOp } from './augmentOps.js';
import { fillSchema, readFill, type Fill } from './fill.js';
import { interpolationSchema } from './transformSchemas.js';
import { invalid, randomInt } from './transformOptions.js';
import type { Interpolation } from './warp.js';

export interface RandAugmentOptions {
  readonly num_ops?: number;
  readonly magnitude?: number;
  readonly num_magnitude_bins?: number;
  readonly interpolation?: Interpolation;
  readonly fill?: Fill;
}

/** torchvision's RandAugment: `num_ops` ops drawn uniformly, each at bin `magnitude`, negated half the time. */
export function createRandAugment(options: Readonly<RandAugmentOptions>): ImageTransform {
  const numOps = options.num_ops ?? 2;
  const magnitude = options.magnitude ?? 9;
  const bins = options.num_magnitude_bins ?? 31;
  if (!(Number.isInteger(magnitude) && magnitude >= 0 && magnitude < bins)) {
    throw invalid(
      'rand_augment.magnitude',
      magnitude,
      `an integer from 0 to num_magnitude_bins - 1 (${bins - 1})`,
    );
  }
  const interpolation = options.interpolation ?? 'nearest';
  const fill = readFill('rand_augment.fill', options.fill ?? 0);
  return {
    name: 'rand_augment',
    apply(image, random) {
      const space = randAugmentSpace(bins, image.height, image.width);
      const ops = Object.keys(space) as AugmentOp[];
      let out = image;
      for (let i = 0; i < numOps; i++) {
        const op = ops[randomInt(random, 0, ops.length)] ?? 'Identity';
        const { magnitudes = [], signed = false } = space[op] ?? {};
        let m = magnitudes.length > 0 ? (magnitudes[magnitude] ?? 0) : 0;
        if (signed && randomInt(random, 0, 2) === 1) m = -m;
        out = applyAugmentOp(out, op, m, interpolation, fill);
      }
      return out;
    },
  };
}

export const randAugmentTransform = definePlugin<'transform', RandAugmentOptions>({
  kind: 'transform',
  name: 'rand_augment',
  package: '@nextplay/cls-data',
  description: 'RandAugment: num_ops random ops at a fixed magnitude (torchvision RandAugment).',
  optionsSchema: {
    type: 'object',
    properties: {
      num_ops: { type: 'integer', minimum: 0, default: 2, description: 'Ops applied in a row.' },
      magnitude: { type: 'integer', minimum: 0, default: 9, description: 'Magnitude bin of every op.' },
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
  create: (options) => createRandAugment(options),
});
