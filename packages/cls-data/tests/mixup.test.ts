import { describe, expect, it } from 'vitest';
import { createRandom, type Batch } from '@nextplay/cls-core';
import { createMixup, cutmixBox, sampleBeta } from '@nextplay/cls-data';

const n = 4;
const side = 8;
const length = side * side * 3;
// Image i is filled with the value i; labels 0, 1, 2, 0.
const batch: Batch = {
  images: Float32Array.from({ length: n * length }, (_, k) => Math.floor(k / length)),
  labels: Int32Array.from([0, 1, 2, 0]),
  shape: [n, side, side, 3],
};

describe("mixup and cutmix as timm's Mixup", () => {
  it('mixup blends each image with the reversed batch and mixes the smoothed one-hot targets alike', () => {
    const mixed = createMixup({ mixup_alpha: 0.4, label_smoothing: 0.1 }).applyBatch(
      batch,
      3,
      createRandom(1),
    );
    const lam = mixed.images[0] ?? NaN; // image 0 mixed with image 3: lam·0 + (1 − lam)·3
    const weight = 1 - lam / 3;
    expect(weight).toBeGreaterThan(0);
    expect(weight).toBeLessThan(1);
    expect(mixed.images[length]).toBeCloseTo(weight * 1 + (1 - weight) * 2, 5);
    const off = 0.1 / 3;
    const on = 1 - 0.1 + off;
    const row1 = [...(mixed.targets?.subarray(3, 6) ?? [])];
    expect(row1[1]).toBeCloseTo(weight * on + (1 - weight) * off, 5);
    expect(row1[2]).toBeCloseTo(weight * off + (1 - weight) * on, 5);
    for (let i = 0; i < n; i++) {
      const sum = [...(mixed.targets?.subarray(i * 3, i * 3 + 3) ?? [])].reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 5);
    }
    expect(batch.images[0]).toBe(0); // the input batch is left alone
  });

  it('cutmix pastes a box of the reversed batch and sets lam to the area kept', () => {
    const mixed = createMixup({ mixup_alpha: 0, cutmix_alpha: 1, label_smoothing: 0 }).applyBatch(
      batch,
      3,
      createRandom(5),
    );
    const image0 = mixed.images.subarray(0, length);
    const pasted = image0.filter((v) => v === 3).length / 3;
    const lam = 1 - pasted / (side * side);
    expect(pasted).toBeGreaterThan(0);
    expect(mixed.targets?.[0]).toBeCloseTo(1, 5); // image 0 and the reversed image 3 are both class 0
    const row1 = mixed.targets?.subarray(3, 6);
    expect(row1?.[1]).toBeCloseTo(lam, 5);
    expect(row1?.[2]).toBeCloseTo(1 - lam, 5);
  });

  it('with prob 0 only smooths the targets; is reproducible per random stream', () => {
    const none = createMixup({ prob: 0, label_smoothing: 0.3 }).applyBatch(batch, 3, createRandom(2));
    expect(none.images).toEqual(batch.images);
    expect(none.targets?.[0]).toBeCloseTo(1 - 0.3 + 0.1, 5);
    const mix = createMixup({ mixup_alpha: 1, cutmix_alpha: 1 });
    expect(mix.applyBatch(batch, 3, createRandom(9))).toEqual(mix.applyBatch(batch, 3, createRandom(9)));
  });

  it('samples Beta(α, α) with mean 1/2 and the right spread, and boxes inside the image', () => {
    const random = createRandom(3);
    const draws = Array.from({ length: 4000 }, () => sampleBeta(0.4, random));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(0.5, 1);
    expect(variance).toBeCloseTo(1 / (4 * (2 * 0.4 + 1)), 1); // αβ / ((α+β)²(α+β+1))
    for (let i = 0; i < 200; i++) {
      const box = cutmixBox(20, 30, random(), random);
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.bottom).toBeLessThanOrEqual(20);
      expect(box.right).toBeLessThanOrEqual(30);
    }
  });
});
