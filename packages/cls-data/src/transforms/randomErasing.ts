import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { isFill, type Fill } from './fill.js';
import { erase } from './geometry.js';
import {
  invalid,
  randomInt,
  rangeSchema,
  readProbability,
  readRange,
  roundHalfEven,
  uniform,
  type Range,
} from './transformOptions.js';

export interface RandomErasingOptions {
  readonly p?: number;
  /** Erased area as a fraction of the image, `[min, max]`. */
  readonly scale?: Range;
  /** Height / width of the erased box, `[min, max]`. */
  readonly ratio?: Range;
  /** Fill: a level 0–255, one per channel, or `random` for uniform noise. */
  readonly value?: Fill | 'random';
}

/**
 * Blanks a random box with probability `p` (torchvision's RandomErasing). It runs before normalization here, so
 * `value: 0` is black rather than the dataset mean.
 */
export function createRandomErasing(options: Readonly<RandomErasingOptions>): ImageTransform {
  const p = readProbability('random_erasing.p', options.p, 0.5);
  const scale = readRange('random_erasing.scale', options.scale, [0.02, 0.33], 0, 1);
  const ratio = readRange('random_erasing.ratio', options.ratio, [0.3, 3.3], Number.MIN_VALUE, Infinity);
  const value = options.value ?? 0;
  if (value !== 'random' && !isFill(value)) {
    throw invalid(
      'random_erasing.value',
      value,
      'an integer 0–255, a list of them (one per channel) or "random"',
    );
  }
  const logRatio: Range = [Math.log(ratio[0]), Math.log(ratio[1])];
  return {
    name: 'random_erasing',
    apply(image, random) {
      if (!(random() < p)) return image;
      const { width, height } = image;
      for (let attempt = 0; attempt < 10; attempt++) {
        const area = width * height * uniform(random, scale);
        const aspect = Math.exp(uniform(random, logRatio));
        const h = roundHalfEven(Math.sqrt(area * aspect));
        const w = roundHalfEven(Math.sqrt(area / aspect));
        if (!(h < height && w < width)) continue;
        const top = randomInt(random, 0, height - h + 1);
        const left = randomInt(random, 0, width - w + 1);
        return erase(image, top, left, h, w, value === 'random' ? () => Math.floor(random() * 256) : value);
      }
      return image;
    },
  };
}

export const randomErasingTransform = definePlugin<'transform', RandomErasingOptions>({
  kind: 'transform',
  name: 'random_erasing',
  package: '@nextplay/cls-data',
  description:
    'With probability p, blank a random box (area scale, aspect ratio) with a grey level or noise.',
  optionsSchema: {
    type: 'object',
    properties: {
      p: { type: 'number', minimum: 0, maximum: 1, default: 0.5, description: 'Probability of erasing.' },
      scale: rangeSchema([0.02, 0.33], 'Erased area as a fraction of the image, [min, max].'),
      ratio: rangeSchema([0.3, 3.3], 'Aspect ratio (height / width) of the box, [min, max].'),
      value: {
        anyOf: [
          { type: 'integer', minimum: 0, maximum: 255 },
          { type: 'array', items: { type: 'integer', minimum: 0, maximum: 255 }, minItems: 1 },
          { const: 'random' },
        ],
        default: 0,
        description: 'Level 0–255 written into the box, one per channel, or random for uniform noise.',
      },
    },
    additionalProperties: false,
  },
  create: (options) => createRandomErasing(options),
});
