import { ClsError, definePlugin, shuffleInPlace, type ImageTransform } from '@nextplay/cls-core';
import { readSpread, spreadSchema, uniform, type Range } from './transformOptions.js';

export interface ColorJitterOptions {
  /** `b` for a factor in [max(0, 1 - b), 1 + b], or `[min, max]`; 0 leaves brightness alone. */
  readonly brightness?: number | Range;
  readonly contrast?: number | Range;
  readonly saturation?: number | Range;
  /** `h` for a hue shift in [-h, h] (fractions of the colour wheel, at most 0.5), or `[min, max]`. */
  readonly hue?: number | Range;
}

type Adjustment = (pixels: Float32Array, amount: number) => void;

/**
 * torchvision's ColorJitter on 8-bit RGB: brightness, contrast, saturation and hue, each with a random factor,
 * applied in a random order, clamping to 0–255 after each.
 */
export function createColorJitter(options: Readonly<ColorJitterOptions>): ImageTransform {
  const ranges: readonly (readonly [Range, Adjustment])[] = [
    [readSpread('color_jitter.brightness', options.brightness ?? 0, 1, 0, Infinity), adjustBrightness],
    [readSpread('color_jitter.contrast', options.contrast ?? 0, 1, 0, Infinity), adjustContrast],
    [readSpread('color_jitter.saturation', options.saturation ?? 0, 1, 0, Infinity), adjustSaturation],
    [readSpread('color_jitter.hue', options.hue ?? 0, 0, -0.5, 0.5), adjustHue],
  ];
  const identity = [1, 1, 1, 0];
  return {
    name: 'color_jitter',
    apply(image, random) {
      if (image.channels !== 3) {
        throw new ClsError('CONFIG_INVALID', `color_jitter needs RGB images, got ${image.channels} channels`);
      }
      const order = shuffleInPlace([0, 1, 2, 3], random);
      const amounts = ranges.map(([range]) => (range[0] === range[1] ? range[0] : uniform(random, range)));
      const steps = order.filter((i) => amounts[i] !== identity[i]);
      if (steps.length === 0) return image;
      const pixels = Float32Array.from(image.data);
      for (const i of steps) ranges[i]?.[1](pixels, amounts[i] ?? 0);
      const data = new Uint8Array(pixels.length);
      for (let k = 0; k < pixels.length; k++) data[k] = Math.round(pixels[k] ?? 0);
      return { data, width: image.width, height: image.height, channels: 3 };
    },
  };
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
const grey = (r: number, g: number, b: number) => 0.2989 * r + 0.587 * g + 0.114 * b;

function adjustBrightness(pixels: Float32Array, factor: number): void {
  for (let k = 0; k < pixels.length; k++) pixels[k] = clamp((pixels[k] ?? 0) * factor);
}

/** Blends with the mean grey level of the whole image. */
function adjustContrast(pixels: Float32Array, factor: number): void {
  let sum = 0;
  for (let k = 0; k < pixels.length; k += 3)
    sum += grey(pixels[k] ?? 0, pixels[k + 1] ?? 0, pixels[k + 2] ?? 0);
  const mean = sum / (pixels.length / 3);
  for (let k = 0; k < pixels.length; k++) pixels[k] = clamp(factor * (pixels[k] ?? 0) + (1 - factor) * mean);
}

/** Blends each pixel with its own grey level. */
function adjustSaturation(pixels: Float32Array, factor: number): void {
  for (let k = 0; k < pixels.length; k += 3) {
    const g = grey(pixels[k] ?? 0, pixels[k + 1] ?? 0, pixels[k + 2] ?? 0);
    for (let c = 0; c < 3; c++) pixels[k + c] = clamp(factor * (pixels[k + c] ?? 0) + (1 - factor) * g);
  }
}

/** Rotates the hue by `shift` turns, through HSV. */
function adjustHue(pixels: Float32Array, shift: number): void {
  for (let k = 0; k < pixels.length; k += 3) {
    const r = (pixels[k] ?? 0) / 255;
    const g = (pixels[k + 1] ?? 0) / 255;
    const b = (pixels[k + 2] ?? 0) / 255;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const delta = max - min;
    if (delta === 0) continue; // grey: no hue to turn
    let h = max === r ? (g - b) / delta : max === g ? 2 + (b - r) / delta : 4 + (r - g) / delta;
    h = (((h / 6 + shift) % 1) + 1) % 1;
    const s = delta / max;
    const sector = Math.floor(h * 6);
    const f = h * 6 - sector;
    const p = max * (1 - s);
    const q = max * (1 - s * f);
    const t = max * (1 - s * (1 - f));
    const rgb = [
      [max, t, p],
      [q, max, p],
      [p, max, t],
      [p, q, max],
      [t, p, max],
      [max, p, q],
    ][sector % 6] ?? [max, t, p];
    for (let c = 0; c < 3; c++) pixels[k + c] = clamp((rgb[c] ?? 0) * 255);
  }
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
