import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { horizontalFlip } from './geometry.js';
import { readProbability } from './transformOptions.js';

export interface HorizontalFlipOptions {
  readonly p?: number;
}

/** Mirrors left–right with probability `p` (torchvision's RandomHorizontalFlip). */
export function createHorizontalFlip(options: Readonly<HorizontalFlipOptions>): ImageTransform {
  const p = readProbability('horizontal_flip.p', options.p, 0.5);
  return {
    name: 'horizontal_flip',
    mirrors: true,
    apply: (image, random) => (random() < p ? horizontalFlip(image) : image),
  };
}

export const horizontalFlipTransform = definePlugin<'transform', HorizontalFlipOptions>({
  kind: 'transform',
  name: 'horizontal_flip',
  package: '@nextplay/cls-data',
  description: 'Mirror the image left–right with probability p.',
  optionsSchema: {
    type: 'object',
    properties: {
      p: { type: 'number', minimum: 0, maximum: 1, default: 0.5, description: 'Probability of a flip.' },
    },
    additionalProperties: false,
  },
  create: (options) => createHorizontalFlip(options),
});
