import { describe, expect, it } from 'vitest';
import { MAX_HISTOGRAM_BINS, sampleIndices, summaryStats } from '../src/index.js';
import { OrderedJsonObject, stringifyOrderedJson } from '../src/orderedJson.js';

describe('summaryStats', () => {
  it('gives min, max, mean, median and one bin per value over a narrow range', () => {
    expect(summaryStats([28, 30, 28, 31])).toEqual({
      min: 28,
      max: 31,
      mean: 29.25,
      median: 29,
      histogram: [
        { from: 28, to: 28, count: 2 },
        { from: 29, to: 29, count: 0 },
        { from: 30, to: 30, count: 1 },
        { from: 31, to: 31, count: 1 },
      ],
    });
    expect(summaryStats([])).toBeUndefined();
  });

  it('bins a wide range into at most MAX_HISTOGRAM_BINS equal integer bins covering every value', () => {
    const values = [1, 2, 500, 999, 1000, 1000, 4000];
    const stats = summaryStats(values);
    expect(stats?.median).toBe(999);
    const bins = stats?.histogram ?? [];
    expect(bins.length).toBeLessThanOrEqual(MAX_HISTOGRAM_BINS);
    expect(bins[0]).toEqual({ from: 1, to: 200, count: 2 });
    expect(bins.at(-1)).toEqual({ from: 3801, to: 4000, count: 1 });
    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(values.length);
    for (const value of values) {
      expect(bins.filter((bin) => bin.from <= value && value <= bin.to)).toHaveLength(1);
    }
  });
});

describe('sampleIndices', () => {
  it('takes every index of a split within the limit', () => {
    expect(sampleIndices(4, 10, 7)).toEqual([0, 1, 2, 3]);
  });

  it('draws `limit` distinct ascending indices, the same for the same seed, others for another', () => {
    const sample = sampleIndices(70_000, 2000, 7);
    expect(sample).toHaveLength(2000);
    expect(new Set(sample).size).toBe(2000);
    expect(sample).toEqual([...sample].sort((a, b) => a - b));
    expect(sample.every((i) => Number.isInteger(i) && i >= 0 && i < 70_000)).toBe(true);
    expect(sampleIndices(70_000, 2000, 7)).toEqual(sample);
    expect(sampleIndices(70_000, 2000, 8)).not.toEqual(sample);
    // Spread over the split, not its head: a class-sorted ImageFolder has its last classes at the end.
    expect(sample.filter((i) => i >= 60_000).length).toBeGreaterThan(200);
  });
});

describe('stringifyOrderedJson', () => {
  it('keeps class names in the run’s order, numeric and hostile ones included, as JSON.parse reads them', () => {
    const counts = new OrderedJsonObject([
      ['10', 1],
      ['2', 2],
      ['b', 3],
      ['__proto__', 4],
    ]);
    const text = stringifyOrderedJson({ splits: { train: { class_counts: counts, empty: [] } } });
    expect(text.indexOf('"10"')).toBeLessThan(text.indexOf('"2"'));
    expect(text.indexOf('"b"')).toBeLessThan(text.indexOf('"__proto__"'));
    const parsed = JSON.parse(text) as { splits: { train: { class_counts: Record<string, number> } } };
    expect(Object.getOwnPropertyDescriptor(parsed.splits.train.class_counts, '__proto__')?.value).toBe(4);
  });

  it('writes what JSON.stringify(value, null, 2) writes for plain values', () => {
    const value = { a: [1, 'x', null, true], b: {}, c: [], d: { e: { f: 1.5 } } };
    expect(stringifyOrderedJson(value)).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });
});
