import type { SplitPredictions } from '@nextplay/cls-core';
import { describe, expect, it } from 'vitest';
import { selectSamples } from '../src/index.js';

function predictions(predicted: number[], targets: number[], confidence: number[]): SplitPredictions {
  return {
    split: 'test',
    epoch: 0,
    predicted: Int32Array.from(predicted),
    targets: Int32Array.from(targets),
    confidence: Float32Array.from(confidence),
  };
}

describe('selectSamples', () => {
  it('fills with random samples when there are fewer wrong predictions than asked', () => {
    const all = predictions([0, 1, 1, 0, 1], [0, 1, 0, 0, 1], [0.9, 0.6, 0.7, 0.5, 0.8]);
    const chosen = selectSamples(all, { count: 4, mostConfidentWrong: 3, leastConfidentCorrect: 1, seed: 1 });
    expect(chosen.slice(0, 2)).toEqual([
      { index: 2, reason: 'most_confident_wrong' },
      { index: 3, reason: 'least_confident_correct' },
    ]);
    expect(chosen.slice(2).map((s) => s.reason)).toEqual(['random', 'random']);
    expect(new Set(chosen.map((s) => s.index)).size).toBe(4);
  });

  it('shows every sample of a split smaller than count, and no more than count of the picked kinds', () => {
    const all = predictions([1, 1, 1], [0, 0, 0], [0.2, 0.9, 0.5]);
    expect(
      selectSamples(all, { count: 10, mostConfidentWrong: 8, leastConfidentCorrect: 8, seed: 0 }),
    ).toEqual([
      { index: 1, reason: 'most_confident_wrong' },
      { index: 2, reason: 'most_confident_wrong' },
      { index: 0, reason: 'most_confident_wrong' },
    ]);
    expect(
      selectSamples(all, { count: 2, mostConfidentWrong: 8, leastConfidentCorrect: 8, seed: 0 }).map(
        (s) => s.index,
      ),
    ).toEqual([1, 2]);
  });
});
