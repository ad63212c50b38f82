import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, deriveSeed, shuffleInPlace, type Batch, type DataSplit } from '@nextplay/cls-core';
import { epochDraws, imageFolderDataset, type ImageFolderDataModule } from '@nextplay/cls-data';
import { removeTempDirs, tempDir, testContext, writeSolidImage } from './helpers/fixtures.js';

afterAll(removeTempDirs);

/** 900 images of class 0, 90 of class 1, 10 of class 2. */
const imbalanced = [
  ...Array<number>(900).fill(0),
  ...Array<number>(90).fill(1),
  ...Array<number>(10).fill(2),
];

function classFrequencies(labels: readonly number[], draws: readonly number[]): number[] {
  const counts = [0, 0, 0];
  for (const draw of draws) counts[labels[draw % labels.length]!]! += 1;
  return counts.map((count) => count / draws.length);
}

describe('epochDraws', () => {
  it('sequential keeps the split order; random is the permutation training has always used', () => {
    expect(epochDraws([0, 0, 1, 1, 2], 'sequential', 3, 4)).toEqual([0, 1, 2, 3, 4]);
    const expected = shuffleInPlace(
      Array.from({ length: 1000 }, (_, i) => i),
      createRandom(deriveSeed(9, 2)),
    );
    expect(epochDraws(imbalanced, 'random', 9, 2)).toEqual(expected);
  });

  it('balanced draws split-size samples with every class equally likely, a pure function of seed and epoch', () => {
    const draws = epochDraws(imbalanced, 'balanced', 42, 0);
    expect(draws).toHaveLength(imbalanced.length);
    expect(epochDraws(imbalanced, 'balanced', 42, 0)).toEqual(draws);
    expect(epochDraws(imbalanced, 'balanced', 42, 1)).not.toEqual(draws);
    expect(epochDraws(imbalanced, 'balanced', 43, 0)).not.toEqual(draws);
    // Over 20 epochs (20,000 draws) each class is a third of the draws within ±0.02 (about 6 standard deviations).
    const all = Array.from({ length: 20 }, (_, epoch) =>
      epochDraws(imbalanced, 'balanced', 42, epoch),
    ).flat();
    for (const frequency of classFrequencies(imbalanced, all))
      expect(Math.abs(frequency - 1 / 3)).toBeLessThan(0.02);
    // Within a class, every image is equally likely: the 10 rare images share their class's draws evenly.
    const rare = new Array<number>(10).fill(0);
    for (const draw of all) if (draw % 1000 >= 990) rare[(draw % 1000) - 990]! += 1;
    const mean = rare.reduce((a, b) => a + b, 0) / rare.length;
    for (const count of rare) expect(Math.abs(count - mean)).toBeLessThan(0.2 * mean);
  });

  it('gives each repeat of an image its own draw number, so its augmentation differs', () => {
    const draws = epochDraws(imbalanced, 'balanced', 7, 0);
    expect(new Set(draws).size).toBe(draws.length);
    const rareDraws = draws.filter((draw) => draw % 1000 === 995).sort((a, b) => a - b);
    expect(rareDraws.length).toBeGreaterThan(5);
    expect(rareDraws).toEqual(rareDraws.map((_, k) => 995 + k * 1000));
  });
});

describe('data.sampler in the imagefolder dataset', () => {
  let root: string;

  beforeAll(async () => {
    root = await tempDir();
    const writes: Promise<void>[] = [];
    for (let k = 0; k < 14; k++) {
      const path = join(root, 'train', k < 12 ? 'common' : 'rare', `img${String(k).padStart(2, '0')}.png`);
      writes.push(writeSolidImage(path, { width: 6, height: 6, color: [10 * k, 0, 0] }));
    }
    writes.push(
      writeSolidImage(join(root, 'valid', 'rare', 'v.png'), { width: 6, height: 6, color: [1, 2, 3] }),
    );
    await Promise.all(writes);
  });

  async function create(sampler?: string): Promise<ImageFolderDataModule> {
    const options = {
      root,
      image_size: 4,
      num_workers: 2,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      ...(sampler === undefined ? {} : { sampler }),
    };
    return (await imageFolderDataset.create(options as never, testContext())) as ImageFolderDataModule;
  }

  async function labels(split: DataSplit, epoch: number, shuffle = true): Promise<number[]> {
    const batches: Batch[] = [];
    for await (const batch of split.batches({ batchSize: 4, shuffle, seed: 5, epoch, augment: false })) {
      batches.push(batch);
    }
    return batches.flatMap((batch) => [...batch.labels]);
  }

  it('balanced keeps the epoch length and draws the rare class about as often as the common one', async () => {
    const data = await create('balanced');
    const epochs = await Promise.all(Array.from({ length: 10 }, (_, epoch) => labels(data.train, epoch)));
    for (const epoch of epochs) expect(epoch).toHaveLength(14);
    const rare = epochs.flat().filter((label) => label === 1).length / (14 * 10);
    expect(rare).toBeGreaterThan(0.35);
    expect(rare).toBeLessThan(0.65);
    expect(await labels(data.train, 3)).toEqual(epochs[3]);
    // Evaluation order is never resampled.
    expect(await labels(data.train, 3, false)).toEqual([...Array<number>(12).fill(0), 1, 1]);
  });

  it('resumes a balanced epoch mid-way with startBatch: exactly the remaining batches', async () => {
    const data = await create('balanced');
    const options = { batchSize: 4, shuffle: true, seed: 5, epoch: 2, augment: false };
    const collect = async (startBatch: number): Promise<Batch[]> => {
      const batches: Batch[] = [];
      for await (const batch of data.train.batches({ ...options, startBatch })) batches.push(batch);
      return batches;
    };
    const whole = await collect(0);
    expect(whole).toHaveLength(4);
    expect(await collect(2)).toEqual(whole.slice(2));
  });

  it('sequential trains in the split order; random (the default) shuffles', async () => {
    const sequential = await create('sequential');
    expect(await labels(sequential.train, 2)).toEqual([...Array<number>(12).fill(0), 1, 1]);
    const random = await create();
    const shuffled = await labels(random.train, 2);
    expect([...shuffled].sort()).toEqual([...Array<number>(12).fill(0), 1, 1]);
    expect(shuffled).not.toEqual([...Array<number>(12).fill(0), 1, 1]);
  });

  it('rejects an unknown sampler in one line', async () => {
    await expect(create('weighted')).rejects.toThrow(
      'data.sampler must be one of sequential, random, balanced, got "weighted"',
    );
  });
});
