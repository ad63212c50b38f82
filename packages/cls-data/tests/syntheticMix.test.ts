import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '@nextplay/cls-core';
import { imageFolderDataset, type ImageFolderDataModule } from '@nextplay/cls-data';
import { removeTempDirs, tempDir, testContext, writeSolidImage } from './helpers/fixtures.js';

afterAll(removeTempDirs);

let real: string;
let synthetic: string;

beforeAll(async () => {
  real = await tempDir('cls-mix-real-');
  synthetic = await tempDir('cls-mix-synth-');
  const writes: Promise<void>[] = [];
  const image = (path: string, shade: number) =>
    writes.push(writeSolidImage(path, { width: 6, height: 6, color: [shade, shade, shade] }));
  // Real: 8 of "7", 2 of "23"; synthetic: 10 of each, plus a number the real data lacks.
  for (let i = 0; i < 8; i++) image(join(real, 'train', '7', `r${i}.png`), 10);
  for (let i = 0; i < 2; i++) image(join(real, 'train', '23', `r${i}.png`), 20);
  for (const number of ['7', '23', '99']) {
    for (let i = 0; i < 10; i++) image(join(synthetic, 'train', number, `s${i}.png`), 200);
  }
  await Promise.all(writes);
});

async function create(mix: Record<string, unknown>, seed = 0) {
  const context = testContext(seed);
  const options = {
    root: real,
    image_size: 4,
    num_workers: 2,
    mean: [0, 0, 0],
    std: [1, 1, 1],
    synthetic: mix,
  };
  const data = (await imageFolderDataset.create(options, context)) as ImageFolderDataModule;
  return { data, messages: context.messages };
}

async function epochLabels(data: ImageFolderDataModule, epoch: number): Promise<number[][]> {
  const batches: Batch[] = [];
  for await (const batch of data.train.batches({
    batchSize: 4,
    shuffle: true,
    seed: 5,
    epoch,
    augment: false,
  })) {
    batches.push(batch);
  }
  return batches.map((batch) => [...batch.labels]);
}

describe('data.synthetic', () => {
  it('balance tops every number up to the largest real class, and says so in the log', async () => {
    const { data, messages } = await create({ root: synthetic, balance: true });
    expect(data.classes).toEqual(['23', '7']); // torchvision's order
    expect(data.train.classCounts).toEqual([8, 8]);
    expect(messages.some((m) => m.text.includes('6 synthetic images') && m.text.includes('balance'))).toBe(
      true,
    );
    expect(messages.some((m) => m.type === 'warn' && m.text.includes('99'))).toBe(true);
  });

  it('fraction makes that share of each epoch synthetic', async () => {
    const { data } = await create({ root: synthetic, fraction: 0.5 });
    expect(data.train.size).toBe(20);
    expect(data.train.classCounts).toEqual([2 + 5, 8 + 5]);
  });

  it('keeps the batch order a pure function of seed and epoch', async () => {
    const [a, b] = await Promise.all([
      create({ root: synthetic, fraction: 0.3 }),
      create({ root: synthetic, fraction: 0.3 }),
    ]);
    expect(await epochLabels(a.data, 2)).toEqual(await epochLabels(b.data, 2));
    expect(await epochLabels(a.data, 2)).not.toEqual(await epochLabels(a.data, 3));
  });

  it.each([
    [{ root: 'x' }, 'exactly one of data.synthetic.fraction'],
    [{ fraction: 0.2 }, 'need data.synthetic.root'],
    [{ root: 'x', fraction: 1.5 }, 'data.synthetic.fraction must be a number in [0, 1)'],
  ])('rejects %j', async (mix, message) => {
    await expect(create(mix)).rejects.toThrow(message);
  });
});
