import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, type ImageTransform, type RawImage } from '@nextplay/cls-core';
import {
  createRandAugment,
  createRandomAffine,
  createRandomCrop,
  createRandomErasing,
  createRandomPerspective,
  createRandomResizedCrop,
  createRandomRotation,
  createResize,
  dataPlugins,
  imageFolderDataset,
  resampleBox,
  rotate,
} from '@nextplay/cls-data';
import { pattern, removeTempDirs, tempDir, testContext, writeSolidImage } from './helpers/fixtures.js';

afterAll(removeTempDirs);

const image: RawImage = { data: pattern(16, 12), width: 16, height: 12, channels: 3 };
const apply = async (transform: ImageTransform, input: RawImage = image, seed = 1) =>
  transform.apply(input, createRandom(seed));

function pixel(raw: RawImage, x: number, y: number): number[] {
  const at = (y * raw.width + x) * raw.channels;
  return [...raw.data.subarray(at, at + raw.channels)];
}

describe('option errors name the full key path, on one line', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir();
    await writeSolidImage(join(root, 'train', 'a', 'a.png'), { width: 9, height: 7, color: [10, 20, 30] });
    await writeSolidImage(join(root, 'train', 'b', 'b.png'), { width: 9, height: 7, color: [30, 20, 10] });
  });

  const failure = async (transforms: Record<string, unknown[]>) => {
    const context = { ...testContext(), transforms } as Parameters<typeof imageFolderDataset.create>[1];
    return Promise.resolve(imageFolderDataset.create({ root, image_size: 8 }, context)).then(
      () => undefined,
      (error: unknown) => error as Error & { code?: string },
    );
  };

  it.each([
    [
      { train: [{ horizontal_flip: {} }, { random_rotation: { degrees: [10, 5] } }] },
      'transforms.train.1.random_rotation.degrees: must be [min, max] with -360 <= min <= max <= 360, got [10,5]',
    ],
    [
      { eval: [{ random_resized_crop: { scale: [0.5, 1.5] } }] },
      'transforms.eval.0.random_resized_crop.scale: must be [min, max] with 5e-324 <= min <= max <= 1, got [0.5,1.5]',
    ],
    [
      { train: [{ horizontal_flip: {} }, { color_jitter: {} }, { gaussian_blur: { kernel_size: 4 } }] },
      'transforms.train.2.gaussian_blur.kernel_size: must be odd positive integers, got 4',
    ],
    [
      { train: [{ color_jitter: { hue: 0.7 } }] },
      'transforms.train.0.color_jitter.hue: must be at most 0.5, got 0.7',
    ],
    [
      { train: [{ rand_augment: { magnitude: 31 } }] },
      'transforms.train.0.rand_augment.magnitude: must be an integer from 0 to num_magnitude_bins - 1 (30), got 31',
    ],
    [
      { train: [{ random_rotation: {} }] },
      'transforms.train.0.random_rotation.degrees: missing required key',
    ],
    [
      { train: [{ resize: { size: [8, 8], max_size: 10 } }] },
      'transforms.train.0.resize.max_size: must be null when size is [height, width] ([8,8]), got 10',
    ],
  ])('%j', async (transforms, message) => {
    const error = await failure(transforms);
    expect(error?.code).toBe('CONFIG_INVALID');
    expect(error?.message.startsWith(message), error?.message).toBe(true);
    expect(error?.message).not.toContain('\n');
  });
});

describe('random_rotation', () => {
  it('requires degrees, as torchvision does', () => {
    expect(() => createRandomRotation({})).toThrow(/^random_rotation\.degrees: missing required key/);
    const plugin = dataPlugins.find((p) => p.kind === 'transform' && p.name === 'random_rotation');
    const schema = plugin?.optionsSchema as { required?: string[]; properties: { degrees: object } };
    expect(schema.required).toEqual(['degrees']);
    expect(schema.properties.degrees).not.toHaveProperty('default');
  });

  it('expand: enlarges the output to hold the whole turned image, filled outside it', async () => {
    const turned = await apply(createRandomRotation({ degrees: [30, 30], expand: true, fill: [1, 2, 3] }));
    // torchvision's box: corners x in [-1.93, 17.93], y in [-3.20, 15.20] (pixels of the 16×12 source), each end
    // rounded outwards: 18 - (-2) by 16 - (-4).
    expect([turned.width, turned.height]).toEqual([20, 20]);
    expect(pixel(turned, 0, 0)).toEqual([1, 2, 3]);
    const same = await apply(createRandomRotation({ degrees: [30, 30] }));
    expect([same.width, same.height]).toEqual([16, 12]);
    expect(turned).toEqual(rotate(image, 30, 'nearest', [1, 2, 3], { expand: true }));
  });
});

describe('fill as one level per channel', () => {
  it('writes each channel its own level outside the source', async () => {
    const fill = [124, 116, 104];
    const steps = [
      createRandomRotation({ degrees: [40, 40], fill }),
      createRandomAffine({ degrees: [40, 40], fill, interpolation: 'bilinear' }),
      createRandomPerspective({ distortion_scale: 1, p: 1, fill }),
      createRandomCrop({ size: [16, 20], padding: [4, 4], fill }),
      createRandAugment({ num_ops: 1, magnitude: 30, fill }),
    ];
    for (const step of steps) {
      // Some seed moves a corner out of the source; its pixel is then exactly the fill.
      const outputs = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => apply(step, image, seed)));
      expect(
        outputs.some((out) => [0, out.width - 1].some((x) => pixel(out, x, 0).join() === fill.join())),
        step.name,
      ).toBe(true);
    }
  });

  it('random_erasing value: one level per channel', async () => {
    const erased = await apply(createRandomErasing({ p: 1, scale: [0.3, 0.3], value: [7, 8, 9] }));
    const filled = [...Array(erased.width * erased.height).keys()].filter(
      (i) => erased.data[i * 3] === 7 && erased.data[i * 3 + 1] === 8 && erased.data[i * 3 + 2] === 9,
    );
    expect(filled.length).toBeGreaterThanOrEqual(Math.floor(16 * 12 * 0.3) - 8);
  });

  it('refuses a list that is neither one level nor one per channel', async () => {
    const grey: RawImage = { data: pattern(8, 8, 1), width: 8, height: 8, channels: 1 };
    const step = createRandomRotation({ degrees: [30, 30], fill: [1, 2, 3] });
    await expect(Promise.resolve().then(() => apply(step, grey))).rejects.toThrow(
      'fill [1,2,3] has 3 levels for a 1-channel image: give one level, or one per channel',
    );
    expect(() => createRandomRotation({ degrees: 5, fill: [1, 256] })).toThrow(
      /^random_rotation\.fill: must be/,
    );
    expect(() => createRandomErasing({ value: [] })).toThrow(/^random_erasing\.value: must be/);
  });
});

describe('resize and random_resized_crop sampling options', () => {
  const whole = { x: 0, y: 0, width: 16, height: 12 };

  it('interpolation picks nearest, bilinear (default) or bicubic', async () => {
    for (const interpolation of ['nearest', 'bilinear', 'bicubic'] as const) {
      const out = await apply(createResize({ size: [5, 7], interpolation }));
      expect(out).toEqual(resampleBox(image, whole, 7, 5, interpolation));
    }
    const nearest = await apply(createResize({ size: [5, 7], interpolation: 'nearest' }));
    expect(nearest).not.toEqual(await apply(createResize({ size: [5, 7] })));
    const crop = await apply(
      createRandomResizedCrop({ size: 6, scale: [1, 1], ratio: [4 / 3, 4 / 3], interpolation: 'nearest' }),
    );
    expect(crop).toEqual(resampleBox(image, whole, 6, 6, 'nearest'));
  });

  it('antialias: true by default; false interpolates plainly when shrinking; nearest ignores it', async () => {
    for (const interpolation of ['bilinear', 'bicubic'] as const) {
      const plain = await apply(createResize({ size: [5, 7], interpolation, antialias: false }));
      expect(plain).toEqual(resampleBox(image, whole, 7, 5, interpolation, false));
      expect(plain.data).not.toEqual(resampleBox(image, whole, 7, 5, interpolation).data);
      expect(await apply(createResize({ size: [5, 7], interpolation }))).toEqual(
        resampleBox(image, whole, 7, 5, interpolation, true),
      );
    }
    const ignored = await apply(createResize({ size: [5, 7], interpolation: 'nearest', antialias: false }));
    expect(ignored).toEqual(resampleBox(image, whole, 7, 5, 'nearest'));
    expect(() => createResize({ interpolation: 'lanczos' as 'nearest' })).toThrow(/^resize\.interpolation:/);
  });

  it('max_size caps the longer side when size is the short side', async () => {
    // 16×12 with size 9: 12×9; max_size 10 caps it at 10×7 (floor(10 · 9 / 12)).
    expect(await apply(createResize({ size: 9, max_size: 10 }))).toMatchObject({ width: 10, height: 7 });
    expect(await apply(createResize({ size: 9, max_size: 12 }))).toMatchObject({ width: 12, height: 9 });
    expect(() => createResize({ size: 9, max_size: 9 })).toThrow(
      /^resize\.max_size: must be greater than size \(9\)/,
    );
  });
});
