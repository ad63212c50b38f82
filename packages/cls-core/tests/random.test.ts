import { describe, expect, it } from 'vitest';
import { createRandom, deriveSeed, shuffleInPlace, suggest } from '@nextplay/cls-core';

describe('createRandom', () => {
  it('is reproducible per seed and uniform in [0, 1)', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const values = Array.from({ length: 10_000 }, () => a());
    expect(values.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(createRandom(8)()).not.toBe(createRandom(7)());
  });

  it('derives distinct seeds per part', () => {
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(1, 1));
    expect(deriveSeed(1, 2, 3)).toBe(deriveSeed(1, 2, 3));
  });

  it('has no part that cancels the running hash (deriveSeed(3, 3) was 0)', () => {
    for (let seed = 0; seed < 5000; seed++) {
      expect(deriveSeed(seed, seed)).not.toBe(0);
      expect(deriveSeed(seed, seed, seed)).not.toBe(0);
    }
  });

  it('never returns 0, which tfjs would read as no seed', () => {
    const seeds = [0, 1, 2, 3, 42, 2 ** 31 - 1, 2 ** 32 - 1, 2 ** 32, -1, Number.MAX_SAFE_INTEGER];
    for (const seed of seeds) {
      expect(deriveSeed(seed)).not.toBe(0);
      for (let part = 0; part < 2000; part++) expect(deriveSeed(seed, part)).not.toBe(0);
    }
  });

  it('gives distinct seeds across seeds, parts and tuple lengths', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 64; seed++) {
      seen.add(deriveSeed(seed));
      for (let part = 0; part < 64; part++) {
        seen.add(deriveSeed(seed, part));
        seen.add(deriveSeed(seed, part, 0));
      }
    }
    expect(seen.size).toBe(64 + 2 * 64 * 64);
  });

  it('tells seeds apart that differ only above 32 bits', () => {
    expect(deriveSeed(2 ** 32 + 5, 1)).not.toBe(deriveSeed(5, 1));
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = shuffleInPlace([...items], createRandom(3));
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
  });
});

describe('suggest', () => {
  it('ranks close names first', () => {
    expect(suggest('max_epoch', ['max_epochs', 'accelerator', 'precision'])[0]).toBe('max_epochs');
    expect(suggest('resnet51', ['resnet18', 'resnet50'])).toEqual(['resnet50', 'resnet18']);
    expect(suggest('zzzzzzzz', ['resnet18'])).toEqual([]);
  });
});
