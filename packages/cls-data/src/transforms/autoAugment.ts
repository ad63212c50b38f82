import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { applyAugmentOp, autoAugmentSpace, type AugmentOp } from './augmentOps.js';
import { fillSchema, readFill, type Fill } from './fill.js';
import { interpolationSchema } from './transformSchemas.js';
import { randomInt } from './transformOptions.js';
import type { Interpolation } from './warp.js';

/** One sub-policy step: op, probability, magnitude bin (null: the op takes none). */
export type PolicyStep = readonly [AugmentOp, number, number | null];

/** torchvision's `AutoAugmentPolicy.IMAGENET`: 25 sub-policies of two steps. */
export const IMAGENET_POLICY: readonly (readonly [PolicyStep, PolicyStep])[] = [
  [
    ['Posterize', 0.4, 8],
    ['Rotate', 0.6, 9],
  ],
  [
    ['Solarize', 0.6, 5],
    ['AutoContrast', 0.6, null],
  ],
  [
    ['Equalize', 0.8, null],
    ['Equalize', 0.6, null],
  ],
  [
    ['Posterize', 0.6, 7],
    ['Posterize', 0.6, 6],
  ],
  [
    ['Equalize', 0.4, null],
    ['Solarize', 0.2, 4],
  ],
  [
    ['Equalize', 0.4, null],
    ['Rotate', 0.8, 8],
  ],
  [
    ['Solarize', 0.6, 3],
    ['Equalize', 0.6, null],
  ],
  [
    ['Posterize', 0.8, 5],
    ['Equalize', 1.0, null],
  ],
  [
    ['Rotate', 0.2, 3],
    ['Solarize', 0.6, 8],
  ],
  [
    ['Equalize', 0.6, null],
    ['Posterize', 0.4, 6],
  ],
  [
    ['Rotate', 0.8, 8],
    ['Color', 0.4, 0],
  ],
  [
    ['Rotate', 0.4, 9],
    ['Equalize', 0.6, null],
  ],
  [
    ['Equalize', 0.0, null],
    ['Equalize', 0.8, null],
  ],
  [
    ['Invert', 0.6, null],
    ['Equalize', 1.0, null],
  ],
  [
    ['Color', 0.6, 4],
    ['Contrast', 1.0, 8],
  ],
  [
    ['Rotate', 0.8, 8],
    ['Color', 1.0, 2],
  ],
  [
    ['Color', 0.8, 8],
    ['Solarize', 0.8, 7],
  ],
  [
    ['Sharpness', 0.4, 7],
    ['Invert', 0.6, null],
  ],
  [
    ['ShearX', 0.6, 5],
    ['Equalize', 1.0, null],
  ],
  [
    ['Color', 0.4, 0],
    ['Equalize', 0.6, null],
  ],
  [
    ['Equalize', 0.4, null],
    ['Solarize', 0.2, 4],
  ],
  [
    ['Solarize', 0.6, 5],
    ['AutoContrast', 0.6, null],
  ],
  [
    ['Invert', 0.6, null],
    ['Equalize', 1.0, null],
  ],
  [
    ['Color', 0.6, 4],
    ['Contrast', 1.0, 8],
  ],
  [
    ['Equalize', 0.8, null],
    ['Equalize', 0.6, null],
  ],
];

export interface AutoAugmentOptions {
  readonly policy?: 'imagenet';
  readonly interpolation?: Interpolation;
  readonly fill?: Fill;
}

/** torchvision's AutoAugment with the ImageNet policy: one sub-policy per image, each step with its probability. */
export function createAutoAugment(options: Readonly<AutoAugmentOptions>): ImageTransform {
  const interpolation = options.interpolation ?? 'nearest';
  const fill = readFill('auto_augment.fill', options.fill ?? 0);
  return {
    name: 'auto_augment',
    apply(image, random) {
      const space = autoAugmentSpace(image.height, image.width);
      const policy = IMAGENET_POLICY[randomInt(random, 0, IMAGENET_POLICY.length)] ?? IMAGENET_POLICY[0];
      const probs = [random(), random()];
      const signs = [randomInt(random, 0, 2), randomInt(random, 0, 2)];
      let out = image;
      policy?.forEach(([op, p, bin], i) => {
        if (!((probs[i] ?? 1) <= p)) return;
        const { magnitudes = [], signed = false } = space[op] ?? {};
        let m = bin === null ? 0 : (magnitudes[bin] ?? 0);
        if (signed && signs[i] === 0) m = -m;
        out = applyAugmentOp(out, op, m, interpolation, fill);
      });
      return out;
    },
  };
}

export const autoAugmentTransform = definePlugin<'transform', AutoAugmentOptions>({
  kind: 'transform',
  name: 'auto_augment',
  package: '@nextplay/cls-data',
  description: 'AutoAugment with the ImageNet policy (torchvision AutoAugment).',
  optionsSchema: {
    type: 'object',
    properties: {
      policy: { enum: ['imagenet'], default: 'imagenet', description: 'The learned policy.' },
      interpolation: interpolationSchema('nearest'),
      fill: fillSchema,
    },
    additionalProperties: false,
  },
  create: (options) => createAutoAugment(options),
});
