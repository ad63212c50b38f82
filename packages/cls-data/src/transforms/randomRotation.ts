import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { fillSchema, readFill, type Fill } from './fill.js';
import { interpolationSchema } from './transformSchemas.js';
import { readSpread, uniform } from './transformOptions.js';
import { TransformOptionError } from './transformOptionError.js';
import { rotate, type Interpolation } from './warp.js';

export interface RandomRotationOptions {
  /** `d` for an angle in [-d, d], or `[min, max]`, in degrees; positive turns counter-clockwise. Required. */
  readonly degrees?: number | readonly [number, number];
  readonly interpolation?: Interpolation;
  /** Enlarge the output to hold the whole turned image; false: same size, corners cut. */
  readonly expand?: boolean;
  /** Pixel coordinates to turn about; null: the centre. */
  readonly center?: readonly [number, number] | null;
  /** Level 0–255 outside the source, or one per channel. */
  readonly fill?: Fill;
}

/** torchvision's RandomRotation: a uniform angle, same size or (expand) enlarged to hold the whole image. */
export function createRandomRotation(options: Readonly<RandomRotationOptions>): ImageTransform {
  // torchvision's RandomRotation has no default for degrees.
  if (options.degrees === undefined) {
    throw new TransformOptionError(
      'random_rotation.degrees',
      'missing required key (d, or [min, max], in degrees)',
    );
  }
  const degrees = readSpread('random_rotation.degrees', options.degrees, 0, -360, 360);
  const fill = readFill('random_rotation.fill', options.fill ?? 0);
  const interpolation = options.interpolation ?? 'nearest';
  const expand = options.expand ?? false;
  const center = options.center ?? undefined;
  return {
    name: 'random_rotation',
    apply(image, random) {
      const angle = uniform(random, degrees);
      if (angle === 0) return image;
      return rotate(image, angle, interpolation, fill, { expand, center });
    },
  };
}

export const randomRotationTransform = definePlugin<'transform', RandomRotationOptions>({
  kind: 'transform',
  name: 'random_rotation',
  package: '@nextplay/cls-data',
  description: 'Rotate by a random angle (degrees; positive is counter-clockwise), same size or expanded.',
  optionsSchema: {
    type: 'object',
    properties: {
      degrees: {
        anyOf: [
          { type: 'number', minimum: 0 },
          { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
        ],
        description: 'Required: d for an angle in [-d, d], or [min, max], in degrees.',
      },
      interpolation: interpolationSchema('nearest'),
      expand: {
        type: 'boolean',
        default: false,
        description: 'Enlarge the output to hold the whole turned image (torchvision expand=True).',
      },
      center: {
        anyOf: [{ type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 }, { type: 'null' }],
        default: null,
        description: 'Pixel coordinates [x, y] to turn about; null for the centre.',
      },
      fill: fillSchema,
    },
    required: ['degrees'],
    additionalProperties: false,
  },
  create: (options) => createRandomRotation(options),
});
