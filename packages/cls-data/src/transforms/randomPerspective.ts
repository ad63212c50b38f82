import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { fillSchema, readFill, type Fill } from './fill.js';
import { interpolationSchema, probabilitySchema } from './transformSchemas.js';
import { invalid, randomInt, readProbability } from './transformOptions.js';
import { perspective, type Interpolation } from './warp.js';

export interface RandomPerspectiveOptions {
  readonly distortion_scale?: number;
  readonly p?: number;
  readonly interpolation?: Interpolation;
  readonly fill?: Fill;
}

type Point = [number, number];

/** torchvision's `RandomPerspective.get_params`: the image corners and where each moves, inwards at random. */
export function samplePerspective(
  width: number,
  height: number,
  distortion: number,
  random: () => number,
): { startpoints: Point[]; endpoints: Point[] } {
  const dx = Math.trunc(distortion * Math.floor(width / 2));
  const dy = Math.trunc(distortion * Math.floor(height / 2));
  const topLeft: Point = [randomInt(random, 0, dx + 1), randomInt(random, 0, dy + 1)];
  const topRight: Point = [randomInt(random, width - dx - 1, width), randomInt(random, 0, dy + 1)];
  const bottomRight: Point = [
    randomInt(random, width - dx - 1, width),
    randomInt(random, height - dy - 1, height),
  ];
  const bottomLeft: Point = [randomInt(random, 0, dx + 1), randomInt(random, height - dy - 1, height)];
  const startpoints: Point[] = [
    [0, 0],
    [width - 1, 0],
    [width - 1, height - 1],
    [0, height - 1],
  ];
  return { startpoints, endpoints: [topLeft, topRight, bottomRight, bottomLeft] };
}

/** torchvision's RandomPerspective: with probability p, moves the corners inwards by up to distortion_scale. */
export function createRandomPerspective(options: Readonly<RandomPerspectiveOptions>): ImageTransform {
  const distortion = options.distortion_scale ?? 0.5;
  if (!(distortion >= 0 && distortion <= 1))
    throw invalid('random_perspective.distortion_scale', distortion, 'in [0, 1]');
  const p = readProbability('random_perspective.p', options.p, 0.5);
  const fill = readFill('random_perspective.fill', options.fill ?? 0);
  const interpolation = options.interpolation ?? 'bilinear';
  return {
    name: 'random_perspective',
    apply(image, random) {
      if (!(random() < p)) return image;
      const { startpoints, endpoints } = samplePerspective(image.width, image.height, distortion, random);
      return perspective(image, startpoints, endpoints, interpolation, fill);
    },
  };
}

export const randomPerspectiveTransform = definePlugin<'transform', RandomPerspectiveOptions>({
  kind: 'transform',
  name: 'random_perspective',
  package: '@nextplay/cls-data',
  description: 'With probability p, a random perspective warp of strength distortion_scale.',
  optionsSchema: {
    type: 'object',
    properties: {
      distortion_scale: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        default: 0.5,
        description: 'How far the corners may move, as a fraction of half the side.',
      },
      p: probabilitySchema(0.5, 'a warp'),
      interpolation: interpolationSchema('bilinear'),
      fill: fillSchema,
    },
    additionalProperties: false,
  },
  create: (options) => createRandomPerspective(options),
});
