import { describe, expect, it } from 'vitest';
import { createRandom, type ImageTransform, type RawImage } from '@nextplay/cls-core';
import {
  createCenterCrop,
  createGaussianBlur,
  createRandomAffine,
  createRandomCrop,
  createRandomGrayscale,
  createRandomPerspective,
  createResize,
  samplePerspective,
  sampleAffine,
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
  ['random_affine', createRandomAffine({ degrees: 15, translate: [0.1, 0.1], scale: [0.9, 1.1], shear: 8 })],
  ['random_perspective', createRandomPerspective({ distortion_scale: 0.5, p: 0.7 })],
  ['random_grayscale', createRandomGrayscale({ p: 0.5 })],
  ['gaussian_blur', createGaussianBlur({ kernel_size: 3, sigma: [0.5, 2] })],
  ['random_crop', createRandomCrop({ size: [12, 16], padding: 2 })],
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

  it('is registered as a transform plugin with defaults for every option it does not require', () => {
    const plugin = dataPlugins.find((p) => p.kind === 'transform' && p.name === name);
    const properties = (plugin?.optionsSchema.properties ?? {}) as Record<string, { default?: unknown }>;
    const required = (plugin?.optionsSchema.required ?? []) as string[];
    expect(Object.keys(properties).length).toBeGreaterThan(0);
    for (const [key, option] of Object.entries(properties)) {
      expect(option.default === undefined, key).toBe(required.includes(key));
    }
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

  it('fills the corners with the fill level', async () => {
    const white = solid(10, 10, [255, 255, 255]);
    const zero = await apply(createRandomRotation({ degrees: [45, 45] }), white);
    expect(pixel(zero, 0, 0)).toEqual([0, 0, 0]);
    expect(pixel(zero, 5, 5)).toEqual([255, 255, 255]);
    const grey = await apply(createRandomRotation({ degrees: [45, 45], fill: 128 }), white);
    expect(pixel(grey, 0, 0)).toEqual([128, 128, 128]);
  });

  it('rejects bad options', () => {
    expect(() => createRandomRotation({ degrees: -5 })).toThrow(/random_rotation\.degrees/);
    expect(() => createRandomRotation({ degrees: [10, 5] })).toThrow(/CONFIG_INVALID|\[min, max\]/);
    expect(() => createRandomRotation({ degrees: 5, fill: 300 })).toThrow(/random_rotation\.fill/);
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

describe('size-setting transforms', () => {
  it('produce size, defaulting to data.image_size', async () => {
    const context = { imageSize: [10, 10] } as const;
    const shape = (raw: RawImage) => [raw.width, raw.height];
    expect(shape(await apply(createResize({}, context), image))).toEqual([13, 10]);
    expect(shape(await apply(createResize({ size: [5, 7] }, context), image))).toEqual([7, 5]);
    expect(shape(await apply(createCenterCrop({}, context), image))).toEqual([10, 10]);
    expect(shape(await apply(createRandomCrop({ size: 20, pad_if_needed: true }, context), image))).toEqual([
      20, 20,
    ]);
    expect(shape(await apply(createRandomResizedCrop({}, context), image))).toEqual([10, 10]);
  });

  it('produce [height, width] when data.image_size is not square', async () => {
    const context = { imageSize: [12, 8] } as const;
    const shape = (raw: RawImage) => [raw.height, raw.width];
    expect(shape(await apply(createResize({}, context), image))).toEqual([12, 8]);
    expect(shape(await apply(createResize({ size: 10 }, context), image))).toEqual([10, 13]);
    expect(shape(await apply(createCenterCrop({}, context), image))).toEqual([12, 8]);
    expect(shape(await apply(createRandomResizedCrop({}, context), image))).toEqual([12, 8]);
    expect(createResize({ size: 24 }, context).detail).toBeCloseTo(2);
  });

  it('say how much source detail they use, so the pipeline decodes large enough', () => {
    const context = { imageSize: [64, 64] } as const;
    expect(createRandomResizedCrop({ scale: [0.25, 1] }, context).detail).toBeCloseTo(2);
    expect(createResize({ size: 72 }, context).detail).toBeCloseTo(72 / 64);
    expect(createCenterCrop({}, context).detail).toBe(Infinity);
    expect(createRandomRotation({ degrees: 10 }).detail).toBeUndefined();
  });

  it('refuse a crop larger than the padded image unless pad_if_needed', async () => {
    await expect(Promise.resolve().then(() => apply(createRandomCrop({ size: 20 }), image))).rejects.toThrow(
      /random_crop\.size/,
    );
  });
});

describe('parameter sampling, as torchvision draws it', () => {
  const draws = 4000;

  it('random_affine: angle, translation, scale and shear uniform in their ranges', () => {
    const random = createRandom(3);
    const sampler = {
      degrees: [-10, 10] as const,
      translate: [0.2, 0.1] as const,
      scale: [0.8, 1.2] as const,
      shear: [[-5, 5] as const, [0, 3] as const],
    };
    let angles = 0;
    const txs = new Set<number>();
    for (let i = 0; i < draws; i++) {
      const p = sampleAffine(sampler, 50, 40, random);
      expect(Math.abs(p.angle)).toBeLessThanOrEqual(10);
      expect(Math.abs(p.translate[0])).toBeLessThanOrEqual(10);
      expect(Math.abs(p.translate[1])).toBeLessThanOrEqual(4);
      expect(Number.isInteger(p.translate[0])).toBe(true);
      expect(p.scale).toBeGreaterThanOrEqual(0.8);
      expect(p.scale).toBeLessThanOrEqual(1.2);
      expect(p.shear[1]).toBeGreaterThanOrEqual(0);
      angles += p.angle;
      txs.add(p.translate[0]);
    }
    expect(Math.abs(angles / draws)).toBeLessThan(0.5); // uniform about 0: mean 0 ± 3σ/√n
    expect(txs.size).toBe(21); // every integer shift -10…10 appears
  });

  it('random_perspective: corners move inwards by at most distortion_scale of half the side', () => {
    const random = createRandom(4);
    const seen = new Set<number>();
    for (let i = 0; i < draws; i++) {
      const { startpoints, endpoints } = samplePerspective(40, 30, 0.5, random);
      expect(startpoints).toEqual([
        [0, 0],
        [39, 0],
        [39, 29],
        [0, 29],
      ]);
      const [tl, tr, br, bl] = endpoints as [
        [number, number],
        [number, number],
        [number, number],
        [number, number],
      ];
      expect(tl[0]).toBeGreaterThanOrEqual(0);
      expect(tl[0]).toBeLessThanOrEqual(10);
      expect(tr[0]).toBeGreaterThanOrEqual(29);
      expect(tr[0]).toBeLessThanOrEqual(39);
      expect(br[1]).toBeGreaterThanOrEqual(21);
      expect(bl[1]).toBeLessThanOrEqual(29);
      seen.add(tl[0]);
    }
    expect(seen.size).toBe(11);
  });

  it('random_resized_crop: area fraction and log-ratio uniform, as get_params draws them', () => {
    const random = createRandom(5);
    let sumLogRatio = 0;
    let accepted = 0;
    for (let i = 0; i < draws; i++) {
      // A square image: no ratio is rejected more often than its inverse.
      const box = randomCropBox(400, 400, [0.3, 0.6], [0.5, 2], random);
      const area = (box.width * box.height) / (400 * 400);
      if (box.width === 400 || box.height === 400) continue;
      expect(area).toBeGreaterThan(0.28);
      expect(area).toBeLessThan(0.62);
      sumLogRatio += Math.log(box.width / box.height);
      accepted++;
    }
    // log(w/h) uniform in [log 0.5, log 2] is symmetric about 0
    expect(Math.abs(sumLogRatio / accepted)).toBeLessThan(0.05);
  });

  it('probabilities: flip, grayscale, perspective and erasing happen about p of the time', async () => {
    const count = async (transform: ImageTransform) => {
      let changed = 0;
      for (let seed = 0; seed < 400; seed++) {
        const out = await apply(transform, image, seed);
        if (out !== image) changed++;
      }
      return changed / 400;
    };
    expect(await count(createHorizontalFlip({ p: 0.3 }))).toBeCloseTo(0.3, 1);
    expect(await count(createRandomGrayscale({ p: 0.2 }))).toBeCloseTo(0.2, 1);
    expect(await count(createRandomPerspective({ p: 0.6 }))).toBeCloseTo(0.6, 1);
    expect(await count(createRandomErasing({ p: 0.4, scale: [0.02, 0.1] }))).toBeCloseTo(0.4, 1);
  });

  it('color_jitter: factors uniform in their ranges, applied through torchvision ops', async () => {
    const grey = solid(4, 4, [100, 100, 100]);
    const values: number[] = [];
    for (let seed = 0; seed < 500; seed++) {
      values.push((await apply(createColorJitter({ brightness: 0.5 }), grey, seed)).data[0] ?? 0);
    }
    expect(Math.min(...values)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...values)).toBeLessThanOrEqual(150);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(95);
    expect(mean).toBeLessThan(105);
  });
});
