import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClsError,
  skippedImagesCsv,
  type Batch,
  type BatchOptions,
  type DataSplit,
} from '@nextplay/cls-core';
import { imageFolderDataset, type ImageFolderDataModule, type ImageFolderOptions } from '@nextplay/cls-data';
import { removeTempDirs, tempDir, testContext, writeBytes, type TestContext } from './helpers/fixtures.js';
import { inflateBombPng } from './helpers/hostileImages.js';

afterAll(removeTempDirs);

const IDENTITY = { mean: [0, 0, 0], std: [1, 1, 1] };
const CLASSES = ['00', '23', '7', 'número_7'];
const hasFifo = process.platform !== 'win32';

/** Image `k` of the dataset: a solid colour whose red channel, k, reads back from a batch. */
async function writeNumberedImage(path: string, k: number): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const image = sharp({
    create: { width: 12 + (k % 5), height: 9, channels: 3, background: { r: k, g: 40, b: 90 } },
  });
  await (path.endsWith('.png') ? image.png() : image.jpeg({ quality: 100 })).toFile(path);
}

/** A Roboflow-like export: train/ valid/ test/ with one folder per class, numbered readable images. */
async function writeDataset(root: string): Promise<number> {
  let k = 0;
  for (const [split, perClass] of [
    ['train', 8],
    ['valid', 3],
    ['test', 2],
  ] as const) {
    for (const name of CLASSES) {
      for (let i = 0; i < perClass; i++, k++) {
        await writeNumberedImage(join(root, split, name, `img_${i}.${k % 2 === 0 ? 'png' : 'jpg'}`), k * 2);
      }
    }
  }
  return k;
}

interface Debris {
  /** Paths relative to the root of the files that must be skipped, in (split, class, path) order. */
  readonly damaged: readonly string[];
}

/** Adds what real exports and disks hold: damaged images, and files that are not images at all. */
async function addDebris(root: string): Promise<Debris> {
  const good = await sharp({
    create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 10, b: 10 } },
  })
    .jpeg()
    .toBuffer();
  const png = await sharp({
    create: { width: 40, height: 30, channels: 3, background: { r: 1, g: 2, b: 3 } },
  })
    .png()
    .toBuffer();
  const damaged: Record<string, Uint8Array | string> = {
    'train/00/empty.png': new Uint8Array(0),
    'train/23/truncated.jpg': good.subarray(0, Math.floor(good.length / 2)),
    'train/7/truncated.png': png.subarray(0, png.length - 30),
    'train/número_7/notes.jpg': 'this is a text file named .jpg\n',
    'valid/23/bomb.png': inflateBombPng(32, 32, 64),
    'test/7/huge.png': inflateBombPng(20000, 20000, 1),
  };
  for (const [path, bytes] of Object.entries(damaged)) await writeBytes(join(root, path), bytes);
  const paths = Object.keys(damaged);
  if (hasFifo) {
    execFileSync('mkfifo', [join(root, 'train', '7', 'fifo.jpg')]);
    paths.push('train/7/fifo.jpg');
  }
  // Not images: ignored without a word.
  await writeBytes(join(root, 'train', '7', '.DS_Store'), 'Bud1');
  await writeBytes(join(root, 'train', '7', 'Thumbs.db'), 'thumbs');
  await writeBytes(join(root, 'train', '23', 'README.txt'), 'exported by roboflow');
  await writeBytes(join(root, 'train', '.DS_Store'), 'Bud1');
  await mkdir(join(root, 'valid', 'número_7_empty_elsewhere'), { recursive: true });
  const order = ['train', 'valid', 'test'];
  const key = (path: string) => {
    const [split = '', name = ''] = path.split('/');
    return [order.indexOf(split), CLASSES.indexOf(name), path] as const;
  };
  paths.sort((a, b) => {
    const [sa, ca, pa] = key(a);
    const [sb, cb, pb] = key(b);
    return sa - sb || ca - cb || (pa < pb ? -1 : 1);
  });
  return { damaged: paths };
}

let clean: string;
let dirty: string;
let debris: Debris;

beforeAll(async () => {
  clean = await tempDir('cls-clean-');
  dirty = await tempDir('cls-debris-');
  await writeDataset(clean);
  await writeDataset(dirty);
  debris = await addDebris(dirty);
}, 60_000);

async function create(
  root: string,
  options: ImageFolderOptions = {},
  context: TestContext = testContext(),
): Promise<ImageFolderDataModule> {
  return (await imageFolderDataset.create(
    { root, image_size: 8, num_workers: 2, max_bad_fraction: 0.5, ...IDENTITY, ...options },
    context,
  )) as ImageFolderDataModule;
}

async function imageNumbers(split: DataSplit, options: Partial<BatchOptions>): Promise<number[][]> {
  const batches: Batch[] = [];
  const all: BatchOptions = { batchSize: 5, shuffle: true, seed: 3, epoch: 0, augment: false, ...options };
  for await (const batch of split.batches(all)) batches.push(batch);
  return batches.map((batch) => {
    const [n, h, w, c] = batch.shape;
    return Array.from({ length: n }, (_, i) => Math.round((batch.images[i * h * w * c] ?? 0) * 255));
  });
}

describe('unreadable images in an ImageFolder', () => {
  it('are not read at all in splits the command does not use (cls test reads only test)', async () => {
    const context = testContext();
    const data = await create(dirty, {}, { ...context, splits: ['test'] });
    const skipped = data.skippedImages;
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((image) => image.split === 'test')).toBe(true);
    expect(context.messages.filter((m) => m.text.includes('train/'))).toEqual([]);
    expect(data.train.size).toBe(data.scan.train.images.length);
  });

  it('are skipped before training, each named in a warning and listed, and counted per split', async () => {
    const context = testContext();
    const data = await create(dirty, {}, context);
    expect(data.skippedImages.map((image) => image.path)).toEqual(debris.damaged);
    const reasons = Object.fromEntries(data.skippedImages.map((image) => [image.path, image.reason]));
    expect(reasons['train/00/empty.png']).toBe('empty file');
    expect(reasons['valid/23/bomb.png']).toBe(
      'the PNG image data inflates to more than the 3104 bytes its 32×32 header declares',
    );
    expect(reasons['test/7/huge.png']).toMatch(/pixel limit|exceeds pixel limit|more than the limit/);
    if (hasFifo) expect(reasons['train/7/fifo.jpg']).toBe('not a regular file');
    for (const image of data.skippedImages) {
      expect(image.reason).not.toBe('');
      expect(image.reason).not.toMatch(/[\r\n]/);
      expect(['train', 'val', 'test']).toContain(image.split);
    }
    expect(data.skippedImages.filter((image) => image.split === 'val').map((image) => image.path)).toEqual([
      'valid/23/bomb.png',
    ]);

    const warnings = context.messages.filter((m) => m.type === 'warn').map((m) => m.text);
    for (const path of debris.damaged) {
      expect(warnings.filter((text) => text.startsWith(`skipped unreadable image ${path}: `))).toHaveLength(
        1,
      );
    }
    expect(warnings.join('\n')).not.toMatch(/DS_Store|Thumbs|README/);
    expect(warnings).toContain(
      `${join(dirty, 'valid')} has empty class folder número_7_empty_elsewhere (ignored)`,
    );

    const trainSkipped = debris.damaged.filter((path) => path.startsWith('train/')).length;
    expect(data.train.size).toBe(CLASSES.length * 8);
    expect(data.train.classCounts).toEqual([8, 8, 8, 8]);
    expect(data.train.files.some((file) => file.path.includes('empty'))).toBe(false);
    const info = context.messages.filter((m) => m.type === 'info').map((m) => m.text);
    expect(info.find((text) => text.startsWith('train: '))).toMatch(
      new RegExp(`^train: 32 images in 4 classes from .*, ${trainSkipped} unreadable skipped$`),
    );
    expect(info.find((text) => text.startsWith('val: '))).toMatch(/, 1 unreadable skipped$/);
    expect(data.classes).toEqual(CLASSES);
  });

  it('never shift the other images between batches: the batches are those of the export without them', async () => {
    const withDebris = await create(dirty);
    const without = await create(clean);
    for (const [seed, epoch] of [
      [3, 0],
      [3, 1],
      [11, 4],
    ] as const) {
      const expected = await imageNumbers(without.train, { seed, epoch });
      expect(await imageNumbers(withDebris.train, { seed, epoch })).toEqual(expected);
      // Resuming at batch 2 yields exactly the rest of the epoch.
      expect(await imageNumbers(withDebris.train, { seed, epoch, startBatch: 2 })).toEqual(expected.slice(2));
    }
    // Uncached, the same: the skipped set is decided from the files before the first batch.
    const uncached = await create(dirty, { cache: false });
    expect(await imageNumbers(uncached.train, { seed: 5, epoch: 2 })).toEqual(
      await imageNumbers(without.train, { seed: 5, epoch: 2 }),
    );
  });

  it('are found by the one decode that fills the cache: training reads no file again', async () => {
    const root = await tempDir('cls-once-');
    await writeDataset(root);
    await writeBytes(join(root, 'train', '23', 'empty.jpg'), new Uint8Array(0));
    const data = await create(root, { max_bad_fraction: 0.05 });
    expect(data.train.cached).toBe(true);
    const expected = await imageNumbers(data.train, { epoch: 1 });
    await rm(join(root, 'train'), { recursive: true });
    expect(await imageNumbers(data.train, { epoch: 1 })).toEqual(expected);
    expect(expected.flat()).toHaveLength(32);
  });

  it('stop the run before training with data.on_bad_image=fail, naming the first', async () => {
    const error = await create(dirty, { on_bad_image: 'fail' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClsError);
    expect(error).toMatchObject({ code: 'DATA_IMAGE_UNREADABLE' });
    const message = (error as Error).message;
    expect(message).toMatch(
      new RegExp(`^cannot read image ${join(dirty, debris.damaged[0] ?? '')}: empty file \\(`),
    );
    expect(message).toContain('data.on_bad_image=skip');
    expect(message).not.toContain('\n');
  });

  it('stop the run before training when more than data.max_bad_fraction of a split is unreadable', async () => {
    const trainSkipped = debris.damaged.filter((path) => path.startsWith('train/')).length;
    const total = CLASSES.length * 8 + trainSkipped;
    const error = await create(dirty, { max_bad_fraction: 0.01 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DATA_TOO_MANY_BAD_IMAGES' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${trainSkipped} of the ${total} images of train \\(\\d+%\\) cannot be read, more than data.max_bad_fraction=0.01; the first: train/00/empty.png: empty file \\(`,
      ),
    );
    expect((error as Error).message).not.toContain('\n');
    // At the limit itself the run goes on.
    await expect(create(dirty, { max_bad_fraction: trainSkipped / total })).resolves.toBeDefined();
    // The default (0.01) is checked for every split: one bad image in 129 passes, 2 in 129 do not.
    const root = await tempDir('cls-fraction-');
    for (let i = 0; i < 128; i++)
      await writeNumberedImage(join(root, 'train', i % 2 ? 'a' : 'b', `${i}.png`), i);
    await writeBytes(join(root, 'train', 'a', 'bad1.png'), 'x');
    const options = { root, image_size: 8, num_workers: 2, ...IDENTITY };
    await expect(imageFolderDataset.create(options, testContext())).resolves.toBeDefined();
    await writeBytes(join(root, 'train', 'b', 'bad2.png'), 'x');
    await expect(imageFolderDataset.create(options, testContext())).rejects.toMatchObject({
      code: 'DATA_TOO_MANY_BAD_IMAGES',
    });
  });

  it('validate data.on_bad_image and data.max_bad_fraction', async () => {
    await expect(create(clean, { on_bad_image: 'ignore' as 'skip' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'data.on_bad_image must be one of skip, fail, got "ignore"',
    });
    await expect(create(clean, { max_bad_fraction: 2 })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('warn about a class whose training images are all unreadable, and name a class missing from train', async () => {
    const root = await tempDir('cls-classes-');
    await writeNumberedImage(join(root, 'train', '7', 'a.png'), 1);
    await writeNumberedImage(join(root, 'train', '7', 'b.png'), 2);
    await writeBytes(join(root, 'train', '9', 'a.png'), '');
    const context = testContext();
    const data = await create(root, {}, context);
    expect(data.classes).toEqual(['7', '9']);
    expect(context.messages.map((m) => m.text)).toContain('class 9 has no readable training images');

    await writeNumberedImage(join(root, 'valid', 'número_8', 'a.png'), 3);
    await expect(create(root)).rejects.toMatchObject({
      code: 'DATA_SPLIT_MISSING',
      message: expect.stringContaining('has class "número_8" that train/ lacks') as unknown,
    });
  });
});

describe('skipped_images.csv', () => {
  it('is split,path,reason with quoting for commas, quotes and formula-like cells', async () => {
    const data = await create(dirty);
    const csv = skippedImagesCsv(data.skippedImages);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('split,path,reason');
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 2).join(','))).toEqual(
      data.skippedImages.map((image) => `${image.split},${image.path}`),
    );
    expect(skippedImagesCsv([{ split: 'train', path: 'a/=cmd,"x".jpg', reason: '-bad, "very"' }])).toBe(
      `split,path,reason\ntrain,"a/=cmd,""x"".jpg","'-bad, ""very"""\n`,
    );
    expect(await readFile(join(dirty, 'train', '7', 'Thumbs.db'), 'utf8')).toBe('thumbs');
  });
});
