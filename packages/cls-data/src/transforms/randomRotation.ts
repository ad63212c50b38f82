import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { fillSchema, interpolationSchema } from './transformSchemas.js';
import { invalid, readSpread, spreadSchema, uniform } from './transformOptions.js';
import { affine, type Interpolation } from './warp.js';

export interface RandomRotationOptions {
  /** `d` for an angle in [-d, d], or `[min, max]`, in degrees; positive turns counter-clockwise. */
  readonly degrees?: number | readonly [number, number];
  readonly interpolation?: Interpolation;
  /** Pixel coordinates to turn about; null: the centre. */
  readonly center?: readonly [number, number] | null;
  /** Grey level 0–255 outside the source. */
  readonly fill?: number;
}

export function readFill(option: string, fill: unknown): number {
  if (!(typeof fill === 'number' && Number.isInteger(fill) && fill >= 0 && fill <= 255)) {
    throw invalid(option, fill, 'an integer 0–255');
  }
  return fill;
}

/** torchvision's RandomRotation (expand=False): a uniform angle, same size. */
export function createRandomRotation(options: Readonly<RandomRotationOptions>): ImageTransform {
  const degrees = readSpread('random_rotation.degrees', options.degrees ?? 10, 0, -360, 360);
  const fill = readFill('random_rotation.fill', options.fill ?? 0);
  const interpolation = options.interpolation ?? 'nearest';
  const center = options.center ?? undefined;
  return {
    name: 'random_rotation',
    apply(image, random) {
      const angle = uniform(random, degrees);
      if (angle === 0) return image;
      return affine(
        image,
        { angle: -angle, translate: [0, 0], scale: 1, shear: [0, 0], center },
        interpolation,
        fill,
      );
    },
  };
}

export const randomRotationTransform = definePlugin<'transform', RandomRotationOptions>({
  kind: 'transform',
  name: 'random_rotation',
  package: '@nextplay/cls-data',
  description: 'Rotate by a random angle (degrees; positive is counter-clockwise), same size.',
  optionsSchema: {
    type: 'object',
    properties: {
      degrees: spreadSchema(10, 'd for an angle in [-d, d], or [min, max], in degrees.'),
      interpolation: interpolationSchema('nearest'),
      center: {
        anyOf: [{ type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 }, { type: 'null' }],
        default: null,
        description: 'Pixel coordinates [x, y] to turn about; null for the centre.',
      },
      fill: fillSchema,
    },
    additionalProperties: false,
  },
  create: (options) => createRandomRotation(options),
});
