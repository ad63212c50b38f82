import { ClsError, definePlugin, shuffleInPlace, type ImageTransform } from '@nextplay/cls-core';
import { adjustHue, brightnessInPlace, contrastInPlace, saturationInPlace } from './colorOps.js';
import { readSpread, spreadSchema, uniform, type Range } from './transformOptions.js';

export interface ColorJitterOptions {
  /** `b` for a factor in [max(0, 1 - b), 1 + b], or `[min, max]`; 0 leaves brightness alone. */
  readonly brightness?: number | Range;
  readonly contrast?: number | Range;
  readonly saturation?: number | Range;
  /** `h` for a hue shift in [-h, h] (fractions of the colour wheel, at most 0.5), or `[min, max]`. */
  readonly hue?: number | Range;
}

/** Changes RGB bytes in place. */
type Adjustment = (data: Uint8Array, amount: number) => void;

const hueInPlace: Adjustment = (data, shift) => {
  data.set(adjustHue({ data, width: data.length / 3, height: 1, channels: 3 }, shift).data);
};

/**
 * torchvision's ColorJitter: brightness, contrast, saturation and hue factors drawn per image and applied in a
 * random order, each op with torchvision's uint8 arithmetic. An unset option is skipped, as torchvision does.
 * The ops work in place on one copy of the image.
 */
export function createColorJitter(options: Readonly<ColorJitterOptions>): ImageTransform {
  const steps: readonly (readonly [Range, Adjustment] | undefined)[] = [
    jitter(
      readSpread('color_jitter.brightness', options.brightness ?? 0, 1, 0, Infinity),
      1,
      brightnessInPlace,
    ),
    jitter(readSpread('color_jitter.contrast', options.contrast ?? 0, 1, 0, Infinity), 1, contrastInPlace),
    jitter(
      readSpread('color_jitter.saturation', options.saturation ?? 0, 1, 0, Infinity),
      1,
      saturationInPlace,
    ),
    jitter(readSpread('color_jitter.hue', options.hue ?? 0, 0, -0.5, 0.5), 0, hueInPlace),
  ];
  return {
    name: 'color_jitter',
    apply(image, random) {
      if (image.channels !== 3) {
        throw new ClsError('CONFIG_INVALID', `color_jitter needs RGB images, got ${image.channels} channels`);
      }
      const order = shuffleInPlace([0, 1, 2, 3], random);
      const amounts = steps.map((step) => (step === undefined ? 0 : uniform(random, step[0])));
      const data = image.data.slice();
      for (const i of order) {
        const step = steps[i];
        if (step !== undefined) step[1](data, amounts[i] ?? 0);
      }
      return { data, width: image.width, height: image.height, channels: 3 };
    },
  };
}

/** A step only where the range is not the identity alone (torchvision leaves such a factor None). */
function jitter(
  range: Range,
  identity: number,
  adjust: Adjustment,
): readonly [Range, Adjustment] | undefined {
  return range[0] === identity && range[1] === identity ? undefined : [range, adjust];
}

const jitterDescription = (what: string) =>
  `${what}: x for a factor in [max(0, 1 - x), 1 + x], or [min, max]; 0 leaves it unchanged.`;

export const colorJitterTransform = definePlugin<'transform', ColorJitterOptions>({
  kind: 'transform',
  name: 'color_jitter',
  package: '@nextplay/cls-data',
  description: 'Random brightness, contrast, saturation and hue, in random order (torchvision ColorJitter).',
  optionsSchema: {
    type: 'object',
    properties: {
      brightness: spreadSchema(0, jitterDescription('Brightness')),
      contrast: spreadSchema(0, jitterDescription('Contrast')),
      saturation: spreadSchema(0, jitterDescription('Saturation')),
      hue: spreadSchema(
        0,
        'Hue shift: h (at most 0.5) for a shift in [-h, h] turns, or [min, max]; 0 leaves it.',
      ),
    },
    additionalProperties: false,
  },
  create: (options) => createColorJitter(options),
});
