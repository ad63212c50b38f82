import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { readProbability } from './transformOptions.js';

export interface HorizontalFlipOptions {
  readonly p?: number;
}

/** Mirrors left–right with probability `p` (torchvision's RandomHorizontalFlip). */
export function createHorizontalFlip(options: Readonly<HorizontalFlipOptions>): ImageTransform {
  const p = readProbability('horizontal_flip.p', options.p, 0.5);
  return {
    name: 'horizontal_flip',
    apply(image, random) {
      if (!(random() < p)) return image;
      const { data, width, height, channels } = image;
      const flipped = new Uint8Array(data.length);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const from = (y * width + x) * channels;
          flipped.set(data.subarray(from, from + channels), (y * width + (width - 1 - x)) * channels);
        }
      }
      return { data: flipped, width, height, channels };
    },
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
