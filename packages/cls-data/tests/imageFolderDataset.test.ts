import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClsError,
  type Batch,
  type BatchOptions,
  type DataSplit,
  type ImageTransform,
  type RawImage,
} from '@nextplay/cls-core';
import { imageFolderDataset, type ImageFolderDataModule, type ImageFolderOptions } from '@nextplay/cls-data';
import {
  tempDir,
  testContext,
  writeBytes,
  writeSolidImage,
  type TestContext,
  removeTempDirs,
} from './helpers/fixtures.js';

afterAll(removeTempDirs);

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const IDENTITY = { mean: [0, 0, 0], std: [1, 1, 1] };
const plain: BatchOptions = { batchSize: 4, shuffle: false, seed: 7, epoch: 0, augment: false };

/** train: class a has 6 images, class b 5; image k has red = 20k, so batches can be read back as image numbers. */
let colors: string;

beforeAll(async () => {
  colors = await tempDir();
  const writes: Promise<void>[] = [];
  for (let k = 0; k < 11; k++) {
    const path = join(colors, 'train', k < 6 ? 'a' : 'b', `img${String(k).padStart(2, '0')}.png`);
    writes.push(
      writeSolidImage(path, { width: 9 + k, height: 5 + (k % 3), color: [20 * k, 255 - 20 * k, 3 * k] }),
    );
  }
  writes.push(
    writeSolidImage(join(colors, 'valid', 'b', 'v.png'), { width: 6, height: 6, color: [255, 0, 0] }),
  );
  writes.push(
    writeSolidImage(join(colors, 'test', 'a', 't.jpg'), {
      width: 6,
      height: 6,
      color: [90, 90, 90],
      grey: true,
      format: 'jpeg',
    }),
  );
  await Promise.all(writes);
});

async function create(
  options: ImageFolderOptions,
  context: TestContext = testContext(),
): Promise<ImageFolderDataModule> {
  return (await imageFolderDataset.create(
    { root: colors, image_size: 8, num_workers: 2, ...IDENTITY, ...options },
    context,
  )) as ImageFolderDataModule;
}

async function collect(split: DataSplit, options: Partial<BatchOptions> = {}): Promise<Batch[]> {
  const batches: Batch[] = [];
  for await (const batch of split.batches({ ...plain, ...options })) batches.push(batch);
  return batches;
}

/** Image numbers in a batch made with IDENTITY normalization, from the red value of each image's first pixel. */
function imageNumbers(batch: Batch): number[] {
  const [n, h, w, c] = batch.shape;
  return Array.from({ length: n }, (_, i) => Math.round(((batch.images[i * h * w * c] ?? 0) * 255) / 20));
}

describe('imagefolder dataset', () => {
  it('builds the splits with classes, sizes and counts, and logs one line per split', async () => {
    const context = testContext();
    const data = await create({}, context);
    expect(data.classes).toEqual(['a', 'b']);
    expect([data.imageSize, data.channels]).toEqual([[8, 8], 3]);
    expect([data.train.name, data.train.size, data.train.classCounts]).toEqual(['train', 11, [6, 5]]);
    expect([data.val?.name, data.val?.size, data.val?.classCounts]).toEqual(['val', 1, [0, 1]]);
    expect(data.test?.classCounts).toEqual([1, 0]);
    const info = context.messages.filter((m) => m.type === 'info').map((m) => m.text);
    expect(info).toHaveLength(3);
    expect(info[0]).toMatch(/^train: 11 images in 2 classes from .*train \(cached in memory, 1 MB\)$/);
    expect(info[1]).toMatch(/^val: 1 image in 1 of 2 classes from .*valid/);
  });

  it('normalizes exactly: (pixel / 255 - mean) / std per channel', async () => {
    const data = await create({ ...IMAGENET });
    const [batch] = await collect(data.val as DataSplit);
    expect(batch?.shape).toEqual([1, 8, 8, 3]);
    // A solid 255 red PNG.
    for (let i = 0; i < 64; i++) {
      expect(batch?.images[i * 3]).toBe(Math.fround((1 - 0.485) / 0.229));
      expect(batch?.images[i * 3 + 1]).toBe(Math.fround((0 - 0.456) / 0.224));
      expect(batch?.images[i * 3 + 2]).toBe(Math.fround((0 - 0.406) / 0.225));
    }
    const [grey] = await collect(data.test as DataSplit);
    // A grey JPEG, replicated to RGB (JPEG may be off by one level).
    expect(Math.abs((grey?.images[0] ?? 0) - (90 / 255 - 0.485) / 0.229)).toBeLessThan(1.01 / 255 / 0.229);
    expect(Math.abs((grey?.images[2] ?? 0) - (90 / 255 - 0.406) / 0.225)).toBeLessThan(1.01 / 255 / 0.225);
  });

  it('yields [n, height, width, 3] batches for data.image_size=[h, w], in each resize mode and through transforms', async () => {
    for (const resize of ['fill', 'center_crop', 'letterbox'] as const) {
      const data = await create({ image_size: [12, 6], resize });
      expect(data.imageSize).toEqual([12, 6]);
      const [val] = await collect(data.val as DataSplit);
      expect(val?.shape).toEqual([1, 12, 6, 3]);
      // A solid red image stays red wherever it is not letterbox padding.
      expect(val?.images[(6 * 6 + 3) * 3]).toBe(1);
      const shapes = (await collect(data.train, { batchSize: 11 })).map((b) => b.shape);
      expect(shapes).toEqual([[11, 12, 6, 3]]);
    }
    const train = [
      { random_resized_crop: { scale: [0.5, 1] } },
      { random_rotation: { degrees: 10 } },
      { center_crop: { size: null } },
    ];
    const data = await create(
      { image_size: [12, 6], cache: true },
      { ...testContext(), transforms: { train } },
    );
    const augmented = await collect(data.train, { batchSize: 11, augment: true });
    expect(augmented.map((b) => b.shape)).toEqual([[11, 12, 6, 3]]);
    expect((await data.train.loadImage(0)).height).toBe(12);
  });

  it('yields batches in class order, with labels, a short last batch, dropLast and limitBatches', async () => {
    const data = await create({});
    const batches = await collect(data.train);
    expect(batches.map((b) => b.shape)).toEqual([
      [4, 8, 8, 3],
      [4, 8, 8, 3],
      [3, 8, 8, 3],
    ]);
    expect(batches.flatMap(imageNumbers)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(batches.flatMap((b) => [...b.labels])).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(batches[0]?.images).toHaveLength(4 * 8 * 8 * 3);
    expect((await collect(data.train, { dropLast: true })).map((b) => b.shape[0])).toEqual([4, 4]);
    expect((await collect(data.train, { limitBatches: 2 })).flatMap(imageNumbers)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(await collect(data.train, { limitBatches: 0 })).toEqual([]);
    // The split's files are listed in that same order, with the labels the batches carry.
    expect(data.train.files.map((f) => f.label)).toEqual(batches.flatMap((b) => [...b.labels]));
    expect(data.train.files.map((f) => f.path)).toEqual(
      Array.from({ length: 11 }, (_, k) =>
        join(colors, 'train', k < 6 ? 'a' : 'b', `img${String(k).padStart(2, '0')}.png`),
      ),
    );
    expect(data.val?.files).toEqual([{ path: join(colors, 'valid', 'b', 'v.png'), label: 1 }]);
    expect((await collect(data.train, { batchSize: 100 })).map((b) => b.shape[0])).toEqual([11]);
    expect(data.train.batchCount({ batchSize: 4 })).toBe(3);
  });

  it('shuffles reproducibly by seed and epoch', async () => {
    const data = await create({});
    const order = async (seed: number, epoch: number) =>
      (await collect(data.train, { shuffle: true, seed, epoch })).flatMap(imageNumbers);
    const first = await order(1, 0);
    expect(await order(1, 0)).toEqual(first);
    expect([...first].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await order(1, 1)).not.toEqual(first);
    expect(await order(2, 0)).not.toEqual(first);
    const batches = await collect(data.train, { shuffle: true, seed: 1, epoch: 0 });
    expect(batches.flatMap((b) => [...b.labels])).toEqual(first.map((k) => (k < 6 ? 0 : 1)));
  });

  it('resumes mid-epoch with startBatch: the remaining batches, augmentations included', async () => {
    const data = await create(
      {},
      { ...testContext(), transforms: { train: [{ random_rotation: { degrees: 30 } }] } },
    );
    const options = { shuffle: true, seed: 7, epoch: 3, augment: true };
    const whole = await collect(data.train, options);
    expect(whole).toHaveLength(3);
    expect(await collect(data.train, { ...options, startBatch: 1 })).toEqual(whole.slice(1));
    expect(await collect(data.train, { ...options, startBatch: 3 })).toEqual([]);
    expect((await collect(data.train, { ...options, startBatch: 1, limitBatches: 2 })).length).toBe(1);
    await expect(collect(data.train, { startBatch: -1 })).rejects.toThrow('startBatch must be an integer');
  });

  it('hands transforms the source resolution (shrunk only to the detail they need), not an image_size thumbnail', async () => {
    const root = await tempDir();
    await writeSolidImage(join(root, 'train', 'a', 'wide.png'), {
      width: 180,
      height: 128,
      color: [9, 9, 9],
    });
    await writeSolidImage(join(root, 'train', 'b', 'small.png'), { width: 40, height: 30, color: [9, 9, 9] });
    const seen: string[] = [];
    const base = testContext();
    const context = {
      ...base,
      transforms: { train: [{ random_resized_crop: { scale: [0.5, 1] } }] },
      createTransform: async (...args: Parameters<typeof base.createTransform>) => {
        const crop = (await base.createTransform(...args)) as ImageTransform;
        return {
          ...crop,
          apply: (image: RawImage, random: () => number) => {
            seen.push(`${image.width}x${image.height}`);
            return crop.apply(image, random);
          },
        };
      },
    };
    const data = await create({ root, image_size: 64, cache: true }, context);
    const batches = await collect(data.train, { augment: true, batchSize: 2 });
    expect(batches[0]?.shape).toEqual([2, 64, 64, 3]);
    // 64 / sqrt(0.5) = 91 px on the short side; the 40×30 image stays as it is (never enlarged).
    expect(seen.sort()).toEqual(['128x91', '40x30']);
    expect(base.messages.some((m) => m.text.includes('shrunk to at most 91 px'))).toBe(true);
  });

  it('caches within data.cache_max_mb and decodes the rest each time, saying so', async () => {
    const context = testContext();
    const data = await create({ cache: true, cache_max_mb: 0.0005 }, context);
    expect(data.train.cachedCount).toBeGreaterThan(0);
    expect(data.train.cachedCount).toBeLessThan(data.train.size);
    expect(context.messages.some((m) => m.text.includes('data.cache_max_mb=0.0005 is reached'))).toBe(true);
    const uncached = await create({ cache: false });
    const options = { shuffle: true, seed: 3, epoch: 0 };
    expect(await collect(data.train, options)).toEqual(await collect(uncached.train, options));
  });

  it('mixes training batches with transforms.batch, seeded by batch number so resume replays them', async () => {
    const context = { ...testContext(), transforms: { batch: [{ mixup: { mixup_alpha: 0.4 } }] } };
    const data = await create({}, context);
    const options = { shuffle: true, seed: 7, epoch: 1, augment: true };
    const whole = await collect(data.train, options);
    expect(whole[0]?.targets).toHaveLength(4 * 2);
    expect(await collect(data.train, { ...options, startBatch: 1 })).toEqual(whole.slice(1));
    expect((await collect(data.train, { ...options, augment: false }))[0]?.targets).toBeUndefined();
  });

  it('gives the same batches with and without the cache, and without prefetch', async () => {
    const options = { shuffle: true, seed: 3, epoch: 2 };
    const cached = await create({ cache: true });
    const uncached = await create({ cache: false });
    const serial = await create({ num_workers: 0 });
    expect(cached.train.cached).toBe(true);
    expect(uncached.train.cached).toBe(false);
    const reference = await collect(uncached.train, options);
    expect(await collect(cached.train, options)).toEqual(reference);
    expect(await collect(cached.train, options)).toEqual(reference);
    expect(await collect(serial.train, options)).toEqual(reference);
  });

  it('augments with the steps of transforms.train in order, reproducibly', async () => {
    const train = [
      { random_rotation: { degrees: 30 } },
      { color_jitter: { brightness: 0.5, contrast: 0.5, saturation: 0.5 } },
    ];
    const context = { ...testContext(), transforms: { train } };
    const data = await create({ cache: true }, context);
    expect(context.transformsCreated).toEqual(['random_rotation', 'color_jitter']);
    const options = { shuffle: true, seed: 5, epoch: 1, augment: true };
    const unaugmented = await collect(data.train, { ...options, augment: false });
    const augmented = await collect(data.train, options);
    expect(augmented.map((b) => [...b.labels])).toEqual(unaugmented.map((b) => [...b.labels]));
    expect(augmented[0]?.images).not.toEqual(unaugmented[0]?.images);
    expect(await collect(data.train, options)).toEqual(augmented);
    expect(await collect(data.train, { ...options, epoch: 2 })).not.toEqual(augmented);
    // The cache holds the decoded images, untouched by augmentation.
    expect(await collect(data.train, { ...options, augment: false })).toEqual(unaugmented);
    // The same image gets the same augmentation in an epoch, whatever its position in the order.
    const bigBatch = await collect(data.train, { ...options, batchSize: 11 });
    const byImage = (batches: Batch[]) => {
      const images = new Map<number, number[]>();
      for (const batch of batches) {
        const length = 8 * 8 * 3;
        batch.labels.forEach((_, i) => {
          images.set(images.size, [...batch.images.subarray(i * length, (i + 1) * length)]);
        });
      }
      return [...images.values()].sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0) || (x[1] ?? 0) - (y[1] ?? 0));
    };
    expect(byImage(bigBatch)).toEqual(byImage(augmented));
  });

  it('keeps the next batches decoding while the caller holds the current one', async () => {
    const seen = new Set<number>();
    const counting: ImageTransform = {
      name: 'counting',
      apply(image) {
        seen.add(image.data[0] ?? 0);
        return image;
      },
    };
    const context = {
      ...testContext(),
      transforms: { train: [{ counting: {} }] },
      createTransform: () => Promise.resolve(counting),
    };
    const ahead = await create({ cache: false, prefetch_batches: 1 }, context);
    const options = { ...plain, batchSize: 2, augment: true };
    const iterator = ahead.train.batches(options)[Symbol.asyncIterator]();
    await iterator.next();
    for (let tries = 0; tries < 500 && seen.size < 4; tries++) await sleep(10);
    expect(seen.size).toBe(4); // batch 0 and batch 1, nothing further
    await sleep(50);
    expect(seen.size).toBe(4);
    await iterator.return?.();

    seen.clear();
    const onDemand = await create({ cache: false, num_workers: 0 }, context);
    const lazy = onDemand.train.batches(options)[Symbol.asyncIterator]();
    await lazy.next();
    await sleep(100);
    expect(seen.size).toBe(2);
    await lazy.return?.();
  });

  it('delivers every batch, in order, to a slow caller that blocks the main thread', async () => {
    const data = await create({ cache: false, num_workers: 1 });
    const options = { ...plain, batchSize: 2, shuffle: true, seed: 11 };
    const expected = (await collect(data.train, options)).flatMap(imageNumbers);
    const received: number[] = [];
    for await (const batch of data.train.batches(options)) {
      const until = Date.now() + 30;
      while (Date.now() < until) {
        // a synchronous training step
      }
      await sleep(5);
      received.push(...imageNumbers(batch));
    }
    expect(received).toEqual(expected);
  });

  it('can stop early and iterate again', async () => {
    const data = await create({ cache: false });
    for await (const batch of data.train.batches({ ...plain, batchSize: 1 })) {
      expect(imageNumbers(batch)).toEqual([0]);
      break;
    }
    expect((await collect(data.train)).flatMap(imageNumbers)).toHaveLength(11);
  });

  it('fails the iteration with DATA_IMAGE_UNREADABLE naming a file that became unreadable after the check', async () => {
    const root = await tempDir();
    await writeSolidImage(join(root, 'train', 'a', '1.png'), { width: 4, height: 4, color: [1, 1, 1] });
    const broken = join(root, 'train', 'b', 'broken.jpg');
    await writeSolidImage(broken, { width: 4, height: 4, color: [1, 1, 1], format: 'jpeg' });
    const data = await create({ root, cache: false });
    await writeBytes(broken, 'not a jpeg');
    const error = await collect(data.train, { batchSize: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClsError);
    expect(error).toMatchObject({ code: 'DATA_IMAGE_UNREADABLE' });
    expect((error as Error).message).toContain(broken);
  });

  it('declares a default for each of its own options', () => {
    const properties = imageFolderDataset.optionsSchema.properties as Record<string, { default?: unknown }>;
    expect(Object.keys(properties).sort()).toEqual([
      'cache',
      'cache_max_mb',
      'max_bad_fraction',
      'on_bad_image',
      'prefetch_batches',
      'resize',
      'sampler',
      'synthetic',
    ]);
    for (const option of Object.values(properties)) expect(option.default).toBeDefined();
  });

  it('requires data.root', async () => {
    const error = await Promise.resolve(imageFolderDataset.create({ root: null }, testContext())).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'DATA_ROOT_MISSING',
      message: 'data.root is required: pass data.root=/path/to/dataset',
    });
  });

  it('rejects a transform whose pixels do not match its size', async () => {
    const broken: ImageTransform = {
      name: 'broken',
      apply: (image) => ({ ...image, width: 4, data: image.data.subarray(0, 5 * 8 * 3) }),
    };
    const context = {
      ...testContext(),
      transforms: { train: [{ broken: {} }] },
      createTransform: () => Promise.resolve(broken),
    };
    const data = await create({}, context);
    await expect(collect(data.train, { augment: true })).rejects.toThrow(
      /^transform "broken" returned 120 values for a 4×\d+×3 image; expected 3 channels$/,
    );
  });
});
