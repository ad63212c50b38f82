import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, BatchOptions, ImageTransform, RawImage } from '@nextplay/cls-core';
import { imageFolderDataset, type ImageFolderDataModule } from '@nextplay/cls-data';
import { removeTempDirs, tempDir, testContext, writeRgbPng, type TestContext } from './helpers/fixtures.js';

afterAll(removeTempDirs);

const RECIPE = {
  train: [
    { random_resized_crop: { scale: [0.5, 1], ratio: [0.8, 1.25] } },
    { random_rotation: { degrees: 8 } },
    { color_jitter: { brightness: 0.3, contrast: 0.3, saturation: 0.3 } },
  ],
};
const EPOCH: BatchOptions = { batchSize: 5, shuffle: true, seed: 11, epoch: 1, augment: true };

let root: string;

beforeAll(async () => {
  root = await tempDir();
  const writes: Promise<void>[] = [];
  for (let k = 0; k < 13; k++) {
    const [width, height] = [40 + k, 30 + 2 * k];
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * (k + 7) + ((i / 97) | 0) * 31) % 256;
    writes.push(
      writeRgbPng(join(root, 'train', k % 2 === 0 ? 'even' : 'odd', `${k}.png`), data, width, height),
    );
  }
  await Promise.all(writes);
});

async function epoch(numWorkers: number, context: TestContext = testContext()): Promise<Batch[]> {
  const data = (await imageFolderDataset.create(
    { root, image_size: 16, num_workers: numWorkers, cache: true },
    { ...context, transforms: RECIPE },
  )) as ImageFolderDataModule;
  try {
    expect(data.train.transformThreads > 0).toBe(numWorkers > 0);
    const batches: Batch[] = [];
    for await (const batch of data.train.batches(EPOCH)) batches.push(batch);
    return batches;
  } finally {
    await data.close();
  }
}

describe('transform worker threads (data.num_workers)', () => {
  it('give [n, height, width, 3] batches for data.image_size=[h, w], as the main thread does', async () => {
    const run = async (numWorkers: number) => {
      const data = (await imageFolderDataset.create(
        { root, image_size: [20, 12], num_workers: numWorkers, cache: true },
        { ...testContext(), transforms: RECIPE },
      )) as ImageFolderDataModule;
      try {
        const batches: Batch[] = [];
        for await (const batch of data.train.batches(EPOCH)) batches.push(batch);
        return batches;
      } finally {
        await data.close();
      }
    };
    const [alone, two] = await Promise.all([run(0), run(2)]);
    expect(two.map((b) => b.shape)).toEqual([
      [5, 20, 12, 3],
      [5, 20, 12, 3],
      [3, 20, 12, 3],
    ]);
    two.forEach((batch, i) => {
      expect(
        Buffer.from(batch.images.buffer).equals(Buffer.from(alone[i]?.images.buffer ?? new ArrayBuffer(0))),
      ).toBe(true);
    });
  });

  it('give the same batches as the main thread, whatever their number: each image has its own random stream', async () => {
    const [alone, two, three] = await Promise.all([epoch(0), epoch(2), epoch(3)]);
    expect(alone.length).toBe(3);
    for (const other of [two, three]) {
      expect(other.map((b) => [...b.labels])).toEqual(alone.map((b) => [...b.labels]));
      other.forEach((batch, i) => {
        expect(batch.shape).toEqual(alone[i]?.shape);
        expect(
          Buffer.from(batch.images.buffer).equals(Buffer.from(alone[i]?.images.buffer ?? new ArrayBuffer(0))),
        ).toBe(true);
      });
    }
  });

  it('leave a step they cannot build (not cls-data’s own) to the main thread, saying so once', async () => {
    const base = testContext();
    const calls: string[] = [];
    const context = {
      ...base,
      createTransform: async (...args: Parameters<typeof base.createTransform>) => {
        const step = (await base.createTransform(...args)) as ImageTransform;
        return {
          ...step,
          apply: (image: RawImage, random: () => number) => {
            calls.push(step.name);
            return step.apply(image, random);
          },
        };
      },
    };
    const data = (await imageFolderDataset.create(
      { root, image_size: 16, num_workers: 2, cache: true },
      { ...context, transforms: RECIPE },
    )) as ImageFolderDataModule;
    expect(data.train.transformThreads).toBe(0);
    for await (const batch of data.train.batches(EPOCH)) expect(batch.labels.length).toBeGreaterThan(0);
    expect(calls.length).toBe(13 * 3);
    const notes = base.messages.filter((m) => m.text.includes('transforms run on the main thread'));
    expect(notes.map((m) => m.text)).toEqual([
      'transforms run on the main thread: worker threads cannot build "random_resized_crop" (not made by a cls-data plugin)',
    ]);
  });

  it('never keep the process alive, even when no job ever ran (a run that stops before its first batch)', () => {
    // Plain node on the built pool: its workers are real threads, not vitest's.
    const pool = new URL('../dist/transformPool.js', import.meta.url).href;
    const script = `
      import { TransformPool, transformWorkerFile } from ${JSON.stringify(pool)};
      const setup = { train: [], eval: [], imageSize: 8, resize: 'fill', mean: [0, 0, 0], std: [1, 1, 1] };
      new TransformPool(transformWorkerFile(), setup, 2);
      console.log('started');`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('started');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
  }, 30_000);
});
