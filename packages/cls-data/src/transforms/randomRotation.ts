import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { sampleBilinear, type Fill } from './bilinear.js';
import { invalid, readSpread, spreadSchema, uniform } from './transformOptions.js';

export interface RandomRotationOptions {
  /** `d` for an angle in [-d, d], or `[min, max]`, in degrees; positive turns counter-clockwise. */
  readonly degrees?: number | readonly [number, number];
  /** Outside the source: a grey level 0–255, or `edge` to repeat the border. */
  readonly fill?: Fill;
}

/** Rotates about the centre by a uniform random angle, bilinear, keeping the size (torchvision's RandomRotation). */
export function createRandomRotation(options: Readonly<RandomRotationOptions>): ImageTransform {
  const degrees = readSpread('random_rotation.degrees', options.degrees ?? 10, 0, -360, 360);
  const fill = options.fill ?? 0;
  if (fill !== 'edge' && !(Number.isInteger(fill) && fill >= 0 && fill <= 255)) {
    throw invalid('random_rotation.fill', fill, 'an integer 0–255 or "edge"');
  }
  return {
    name: 'random_rotation',
    apply(image, random) {
      const angle = uniform(random, degrees);
      if (angle === 0) return image;
      const { width, height, channels } = image;
      const radians = (angle * Math.PI) / 180;
      const cos = Math.cos(radians);
      const sin = Math.sin(radians);
      const cx = (width - 1) / 2;
      const cy = (height - 1) / 2;
      const rotated = new Uint8Array(image.data.length);
      for (let y = 0; y < height; y++) {
        const dy = y - cy;
        for (let x = 0; x < width; x++) {
          // Inverse map: the source of each output pixel, turned back by `angle` (y points down).
          const dx = x - cx;
          sampleBilinear(
            image,
            cos * dx - sin * dy + cx,
            sin * dx + cos * dy + cy,
            fill,
            rotated,
            (y * width + x) * channels,
          );
        }
      }
      return { data: rotated, width, height, channels };
    },
  };
}

export const randomRotationTransform = definePlugin<'transform', RandomRotationOptions>({
  kind: 'transform',
  name: 'random_rotation',
  package: '@nextplay/cls-data',
  description: 'Rotate by a random angle (degrees; positive is counter-clockwise), bilinear, same size.',
  optionsSchema: {
    type: 'object',
    properties: {
      degrees: spreadSchema(10, 'd for an angle in [-d, d], or [min, max], in degrees.'),
      fill: {
        anyOf: [{ type: 'integer', minimum: 0, maximum: 255 }, { const: 'edge' }],
        default: 0,
        description: 'What appears in the corners: a grey level 0–255, or edge to repeat the border.',
      },
    },
    additionalProperties: false,
  },
  create: (options) => createRandomRotation(options),
});
