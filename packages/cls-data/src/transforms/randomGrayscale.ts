import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { grayscale } from './colorOps.js';
import { probabilitySchema } from './transformSchemas.js';
import { readProbability } from './transformOptions.js';

export interface RandomGrayscaleOptions {
  readonly p?: number;
}

/** torchvision's RandomGrayscale: grey in all three channels with probability p. */
export function createRandomGrayscale(options: Readonly<RandomGrayscaleOptions>): ImageTransform {
  const p = readProbability('random_grayscale.p', options.p, 0.1);
  return {
    name: 'random_grayscale',
    apply: (image, random) => (random() < p ? grayscale(image) : image),
  };
}

export const randomGrayscaleTransform = definePlugin<'transform', RandomGrayscaleOptions>({
  kind: 'transform',
  name: 'random_grayscale',
  package: '@nextplay/cls-data',
  description: 'Make the image grey (three equal channels) with probability p.',
  optionsSchema: {
    type: 'object',
    properties: { p: probabilitySchema(0.1, 'turning grey') },
    additionalProperties: false,
  },
  create: (options) => createRandomGrayscale(options),
});
