import { definePlugin, type ImageTransform } from '@nextplay/cls-core';
import { gaussianBlur } from './gaussianBlurOp.js';
import { invalid, readSpread, uniform } from './transformOptions.js';

export interface GaussianBlurOptions {
  /** Odd taps, `k` or `[kx, ky]`. */
  readonly kernel_size?: number | readonly [number, number];
  /** `s` for a fixed sigma, or `[min, max]` drawn per image. */
  readonly sigma?: number | readonly [number, number];
}

/** torchvision's GaussianBlur: a sigma drawn per image from `sigma`, the same in x and y. */
export function createGaussianBlur(options: Readonly<GaussianBlurOptions>): ImageTransform {
  const size = options.kernel_size ?? 3;
  const [kx, ky] = typeof size === 'number' ? [size, size] : size;
  const odd = (k: number) => Number.isInteger(k) && k > 0 && k % 2 === 1;
  if (!odd(kx) || !odd(ky)) throw invalid('gaussian_blur.kernel_size', size, 'odd positive integers');
  const sigmaOption = options.sigma ?? [0.1, 2];
  const sigma =
    typeof sigmaOption === 'number'
      ? readSpread('gaussian_blur.sigma', [sigmaOption, sigmaOption], 0, Number.MIN_VALUE, Infinity)
      : readSpread('gaussian_blur.sigma', sigmaOption, 0, Number.MIN_VALUE, Infinity);
  return {
    name: 'gaussian_blur',
    apply(image, random) {
      const s = uniform(random, sigma);
      return gaussianBlur(image, [kx, ky], [s, s]);
    },
  };
}

export const gaussianBlurTransform = definePlugin<'transform', GaussianBlurOptions>({
  kind: 'transform',
  name: 'gaussian_blur',
  package: '@nextplay/cls-data',
  description: 'Gaussian blur with a sigma drawn per image (torchvision GaussianBlur).',
  optionsSchema: {
    type: 'object',
    properties: {
      kernel_size: {
        anyOf: [
          { type: 'integer', minimum: 1 },
          { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 },
        ],
        default: 3,
        description: 'Odd number of taps, k or [kx, ky].',
      },
      sigma: {
        anyOf: [
          { type: 'number', exclusiveMinimum: 0 },
          { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 2, maxItems: 2 },
        ],
        default: [0.1, 2],
        description: 'Standard deviation: s, or [min, max] drawn per image.',
      },
    },
    additionalProperties: false,
  },
  create: (options) => createGaussianBlur(options),
});
