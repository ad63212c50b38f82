import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { fillSchema, readFill, type Fill } from './fill.js';
import { interpolationSchema, nullablePairSchema } from './transformSchemas.js';
import {
  invalid,
  readRange,
  readSpread,
  roundHalfEven,
  spreadSchema,
  uniform,
  type Range,
} from './transformOptions.js';
import { affine, type AffineParams, type Interpolation } from './warp.js';

export interface RandomAffineOptions {
  readonly degrees?: number | Range;
  /** Largest shift as fractions of the width and height, `[a, b]`; null: none. */
  readonly translate?: Range | null;
  readonly scale?: Range | null;
  /** `s` for an x shear in [-s, s], `[min, max]` (x), or `[xmin, xmax, ymin, ymax]`, in degrees; null: none. */
  readonly shear?: number | readonly number[] | null;
  readonly interpolation?: Interpolation;
  readonly fill?: Fill;
  readonly center?: readonly [number, number] | null;
}

export interface AffineSampler {
  readonly degrees: Range;
  readonly translate: Range | undefined;
  readonly scale: Range | undefined;
  readonly shear: readonly Range[] | undefined;
}

/** torchvision's `RandomAffine.get_params` for an image of `width`×`height`. */
export function sampleAffine(
  sampler: AffineSampler,
  width: number,
  height: number,
  random: () => number,
): Omit<AffineParams, 'center'> {
  const angle = uniform(random, sampler.degrees);
  let translate: [number, number] = [0, 0];
  if (sampler.translate !== undefined) {
    const dx = sampler.translate[0] * width;
    const dy = sampler.translate[1] * height;
    translate = [roundHalfEven(uniform(random, [-dx, dx])), roundHalfEven(uniform(random, [-dy, dy]))];
  }
  const scale = sampler.scale === undefined ? 1 : uniform(random, sampler.scale);
  const [shearX, shearY] = sampler.shear ?? [];
  const shear: [number, number] = [
    shearX === undefined ? 0 : uniform(random, shearX),
    shearY === undefined ? 0 : uniform(random, shearY),
  ];
  return { angle, translate, scale, shear };
}

function readShear(value: unknown): Range[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return [readSpread('random_affine.shear', value, 0, -Infinity, Infinity)];
  if (Array.isArray(value) && (value.length === 2 || value.length === 4)) {
    const ranges = [readRange('random_affine.shear', value.slice(0, 2), [0, 0], -360, 360)];
    if (value.length === 4) ranges.push(readRange('random_affine.shear', value.slice(2), [0, 0], -360, 360));
    return ranges;
  }
  throw invalid('random_affine.shear', value, 's, [min, max] or [xmin, xmax, ymin, ymax]');
}

/** torchvision's RandomAffine: rotation, translation, scale and shear drawn per image, same size. */
export function createRandomAffine(options: Readonly<RandomAffineOptions>): ImageTransform {
  const translate = options.translate ?? undefined;
  const sampler: AffineSampler = {
    degrees: readSpread('random_affine.degrees', options.degrees ?? 0, 0, -360, 360),
    translate:
      translate === undefined ? undefined : readRange('random_affine.translate', translate, [0, 0], 0, 1),
    scale:
      options.scale === undefined || options.scale === null
        ? undefined
        : readRange('random_affine.scale', options.scale, [1, 1], Number.MIN_VALUE, Infinity),
    shear: readShear(options.shear),
  };
  const fill = readFill('random_affine.fill', options.fill ?? 0);
  const interpolation = options.interpolation ?? 'nearest';
  const center = options.center ?? undefined;
  return {
    name: 'random_affine',
    apply(image, random) {
      const params = sampleAffine(sampler, image.width, image.height, random);
      return affine(image, { ...params, center }, interpolation, fill);
    },
  };
}

export const randomAffineTransform = definePlugin<'transform', RandomAffineOptions>({
  kind: 'transform',
  name: 'random_affine',
  package: '@nextplay/cls-data',
  description: 'Random rotation, translation, scale and shear, same size (torchvision RandomAffine).',
  optionsSchema: {
    type: 'object',
    properties: {
      degrees: spreadSchema(0, 'd for an angle in [-d, d], or [min, max], in degrees.'),
      translate: nullablePairSchema('Largest shift [a, b] as fractions of width and height; null for none.'),
      scale: nullablePairSchema('Scale factor range [min, max]; null keeps the scale.'),
      shear: {
        anyOf: [
          { type: 'number', minimum: 0 },
          { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 4 },
          { type: 'null' },
        ],
        default: null,
        description: 's for an x shear in [-s, s], [min, max] (x), or [xmin, xmax, ymin, ymax], in degrees.',
      },
      interpolation: interpolationSchema('nearest'),
      fill: fillSchema,
      center: {
        anyOf: [{ type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 }, { type: 'null' }],
        default: null,
        description: 'Pixel coordinates [x, y] of the centre; null for the image centre.',
      },
    },
    additionalProperties: false,
  },
  create: (options) => createRandomAffine(options),
});
