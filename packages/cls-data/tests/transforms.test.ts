import { describe, expect, it } from 'vitest';
import { createRandom, type ImageTransform, type RawImage } from '@nextplay/cls-core';
import {
  createColorJitter,
  createHorizontalFlip,
  createRandomErasing,
  createRandomResizedCrop,
  createRandomRotation,
  dataPlugins,
  randomCropBox,
} from '@nextplay/cls-data';
import { pattern } from './helpers/fixtures.js';

const image: RawImage = { data: pattern(16, 12), width: 16, height: 12, channels: 3 };
const square: RawImage = { data: pattern(9, 9), width: 9, height: 9, channels: 3 };

const apply = async (transform: ImageTransform, input: RawImage, seed = 1) =>
  transform.apply(input, createRandom(seed));

function pixel(raw: RawImage, x: number, y: number): number[] {
  const at = (y * raw.width + x) * raw.channels;
  return [...raw.data.subarray(at, at + raw.channels)];
}

function solid(width: number, height: number, rgb: readonly number[]): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rgb[i % 3] ?? 0;
  return { data, width, height, channels: 3 };
}

const all: readonly [string, ImageTransform][] = [
  ['random_resized_crop', createRandomResizedCrop({ size: [12, 16] })],
  ['horizontal_flip', createHorizontalFlip({ p: 0.5 })],
  ['random_rotation', createRandomRotation({ degrees: 20 })],
  ['color_jitter', createColorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 })],
  ['random_erasing', createRandomErasing({ p: 0.5, value: 'random' })],
];

describe.each(all)('%s', (name, transform) => {
  it('keeps the shape, leaves its input alone and is deterministic given the random stream', async () => {
    const before = image.data.slice();
    const outputs = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => apply(transform, image, seed)));
    expect(image.data).toEqual(before);
    for (const output of outputs) {
      expect([output.width, output.height, output.channels, output.data.length]).toEqual([
        16,
        12,
        3,
        image.data.length,
      ]);
    }
    expect(await apply(transform, image, 3)).toEqual(outputs[2]);
    expect(outputs.some((output) => !output.data.every((v, i) => v === image.data[i]))).toBe(true);
    expect(transform.name).toBe(name);
  });

  it('is registered as a transform plugin with defaults for every option', () => {
    const plugin = dataPlugins.find((p) => p.kind === 'transform' && p.name === name);
    const properties = (plugin?.optionsSchema.properties ?? {}) as Record<string, { default?: unknown }>;
    expect(Object.keys(properties).length).toBeGreaterThan(0);
    for (const option of Object.values(properties)) expect(option.default).toBeDefined();
  });
});

describe('horizontal_flip', () => {
  it('mirrors left–right; twice is the identity; p = 0 never flips', async () => {
    const flip = createHorizontalFlip({ p: 1 });
    const once = await apply(flip, image);
    expect(pixel(once, 0, 3)).toEqual(pixel(image, 15, 3));
    expect(pixel(once, 15, 11)).toEqual(pixel(image, 0, 11));
    expect(await apply(flip, once)).toEqual(image);
    const never = createHorizontalFlip({ p: 0 });
    for (let seed = 0; seed < 20; seed++) expect(await apply(never, image, seed)).toEqual(image);
  });
});

describe('random_rotation', () => {
  it('turns counter-clockwise by exact quarter turns', async () => {
    const quarter = await apply(createRandomRotation({ degrees: [90, 90] }), square);
    for (let y = 0; y < 9; y++) {
      for (let x = 0; x < 9; x++) expect(pixel(quarter, x, y)).toEqual(pixel(square, 8 - y, x));
    }
    expect(await apply(createRandomRotation({ degrees: 0 }), image)).toEqual(image);
  });

  it('fills the corners with the fill level or the edge', async () => {
    const white = solid(10, 10, [255, 255, 255]);
    const zero = await apply(createRandomRotation({ degrees: [45, 45] }), white);
    expect(pixel(zero, 0, 0)).toEqual([0, 0, 0]);
    expect(pixel(zero, 5, 5)).toEqual([255, 255, 255]);
    const grey = await apply(createRandomRotation({ degrees: [45, 45], fill: 128 }), white);
    expect(pixel(grey, 0, 0)).toEqual([128, 128, 128]);
    const edge = await apply(createRandomRotation({ degrees: [45, 45], fill: 'edge' }), white);
    expect(edge).toEqual(white);
  });

  it('rejects bad options', () => {
    expect(() => createRandomRotation({ degrees: -5 })).toThrow(/random_rotation\.degrees/);
    expect(() => createRandomRotation({ degrees: [10, 5] })).toThrow(/CONFIG_INVALID|\[min, max\]/);
    expect(() => createRandomRotation({ fill: 300 })).toThrow(/random_rotation\.fill/);
  });
});

describe('random_resized_crop', () => {
  it('is the identity when the crop is the whole image', async () => {
    const whole = createRandomResizedCrop({ size: [12, 16], scale: [1, 1], ratio: [16 / 12, 16 / 12] });
    expect(await apply(whole, image)).toEqual(image);
  });

  it('picks boxes inside the image, within the area and ratio asked for', () => {
    const random = createRandom(9);
    for (let i = 0; i < 500; i++) {
      const box = randomCropBox(64, 48, [0.2, 0.6], [0.5, 2], random);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(64);
      expect(box.y + box.height).toBeLessThanOrEqual(48);
      const area = (box.width * box.height) / (64 * 48);
      expect(area).toBeGreaterThan(0.15);
      expect(area).toBeLessThan(0.7);
    }
    // Impossible ratios fall back to a centred crop of the nearest ratio.
    expect(randomCropBox(40, 10, [1, 1], [1, 1], random)).toEqual({ x: 15, y: 0, width: 10, height: 10 });
  });

  it('scales the crop up to the full size', async () => {
    // Left half red, right half blue; a crop of the left 40 % must be all red.
    const data = new Uint8Array(20 * 10 * 3);
    for (let i = 0; i < 200; i++) data[i * 3 + (i % 20 < 10 ? 0 : 2)] = 255;
    const halves: RawImage = { data, width: 20, height: 10, channels: 3 };
    const crop = createRandomResizedCrop({ size: [10, 20], scale: [0.4, 0.4], ratio: [0.8, 0.8] });
    for (let seed = 0; seed < 10; seed++) {
      const out = await apply(crop, halves, seed);
      const reds = Array.from({ length: 200 }, (_, i) => out.data[i * 3] ?? 0);
      // A 8×10 box sits in the left half, the right half, or straddles the middle: columns stay monotone.
      for (let y = 0; y < 10; y++) {
        for (let x = 1; x < 20; x++) expect(reds[y * 20 + x]).toBeLessThanOrEqual(reds[y * 20 + x - 1] ?? 0);
      }
    }
  });

  it('rejects bad options', () => {
    expect(() => createRandomResizedCrop({ scale: [0.5, 1.5] })).toThrow(/random_resized_crop\.scale/);
    expect(() => createRandomResizedCrop({ ratio: [2, 1] })).toThrow(/random_resized_crop\.ratio/);
  });
});

describe('color_jitter', () => {
  const colour = solid(4, 3, [200, 100, 50]);

  it('is the identity with nothing to jitter', async () => {
    expect(await apply(createColorJitter({}), image)).toEqual(image);
  });

  it('applies torchvision-style factors', async () => {
    expect(pixel(await apply(createColorJitter({ brightness: [2, 2] }), colour), 0, 0)).toEqual([
      255, 200, 100,
    ]);
    const desaturated = await apply(createColorJitter({ saturation: [0, 0] }), colour);
    const grey = Math.round(0.2989 * 200 + 0.587 * 100 + 0.114 * 50);
    expect(pixel(desaturated, 1, 1)).toEqual([grey, grey, grey]);
    const flat = await apply(createColorJitter({ contrast: [0, 0] }), image);
    expect(new Set(flat.data).size).toBe(1);
    const red = solid(2, 2, [255, 0, 0]);
    expect(pixel(await apply(createColorJitter({ hue: [1 / 3, 1 / 3] }), red), 0, 0)).toEqual([0, 255, 0]);
    expect(pixel(await apply(createColorJitter({ hue: [-1 / 3, -1 / 3] }), red), 0, 0)).toEqual([0, 0, 255]);
  });

  it('rejects bad options', () => {
    expect(() => createColorJitter({ hue: 0.7 })).toThrow(/color_jitter\.hue/);
    expect(() => createColorJitter({ brightness: -1 })).toThrow(/color_jitter\.brightness/);
  });
});

describe('random_erasing', () => {
  it('blanks one box with p = 1 and nothing with p = 0', async () => {
    const white = solid(20, 20, [255, 255, 255]);
    const erased = await apply(createRandomErasing({ p: 1, scale: [0.1, 0.1], ratio: [1, 1] }), white);
    const zeros = Array.from({ length: 400 }, (_, i) => erased.data[i * 3] === 0);
    expect(zeros.filter(Boolean)).toHaveLength(36); // round(sqrt(40)) = 6 → 6×6
    expect(erased.data.every((v) => v === 0 || v === 255)).toBe(true);
    for (let seed = 0; seed < 10; seed++) {
      expect(await apply(createRandomErasing({ p: 0 }), white, seed)).toEqual(white);
    }
  });

  it('rejects bad options', () => {
    expect(() => createRandomErasing({ value: 256 })).toThrow(/random_erasing\.value/);
    expect(() => createRandomErasing({ p: 2 })).toThrow(/random_erasing\.p/);
  });
});
