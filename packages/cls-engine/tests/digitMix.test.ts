import { describe, expect, it } from 'vitest';
import { ClsError, type Batch, type MixedNumbers, type ModelHead } from '@nextplay/cls-core';
import { linearHead } from '../src/index.js';
import { digitMixShare, mixTrainingBatch, mixedClassWeights } from '../src/training/digitMix.js';

/** A head that records the draws it is handed and mixes nothing. */
function drawingHead(draws: number[][]): ModelHead {
  return {
    ...linearHead,
    name: 'drawing',
    mixDigits(batch: Batch, classes: readonly string[], _share: number, random: () => number): MixedNumbers {
      draws.push([random(), random()]);
      return { batch, classes };
    },
  };
}

const batch: Batch = { images: new Float32Array(4), labels: Int32Array.of(0, 1), shape: [2, 1, 2, 1] };

describe('model.digit_mix', () => {
  it('is 0.5 for a head that mixes digits and 0 for another when null, and refuses a share the head cannot use', () => {
    expect(digitMixShare(null, drawingHead([]))).toBe(0.5);
    expect(digitMixShare(undefined, linearHead)).toBe(0);
    expect(digitMixShare(0, linearHead)).toBe(0);
    expect(digitMixShare(0.2, drawingHead([]))).toBe(0.2);
    expect(() => digitMixShare(0.3, linearHead)).toThrow(ClsError);
    expect(() => digitMixShare(0.3, linearHead)).toThrow(
      'model.digit_mix=0.3 needs a head that reads digits (model.head=digits or sequence), not linear',
    );
  });

  it('draws from (seed, epoch, batch): the same batch of a resumed epoch mixes the same way', () => {
    const draws: number[][] = [];
    const head = drawingHead(draws);
    for (const at of [
      { seed: 1, epoch: 2, batch: 3 },
      { seed: 1, epoch: 2, batch: 3 },
      { seed: 1, epoch: 2, batch: 4 },
      { seed: 1, epoch: 3, batch: 3 },
    ]) {
      mixTrainingBatch(head, batch, ['12', '34'], 0.5, at);
    }
    expect(draws[1]).toEqual(draws[0]);
    expect(draws[2]).not.toEqual(draws[0]);
    expect(draws[3]).not.toEqual(draws[0]);
    mixTrainingBatch(head, batch, ['12', '34'], 0, { seed: 1, epoch: 2, batch: 3 });
    expect(draws).toHaveLength(4);
  });

  it('weighs numbers no class names as the rarest class', () => {
    expect(mixedClassWeights([0.5, 2, 1], ['1', '2', '3', '45', '67'])).toEqual([0.5, 2, 1, 2, 2]);
    expect(mixedClassWeights(undefined, ['1', '2', '34'])).toBeUndefined();
    expect(mixedClassWeights([1, 1], ['1', '2'])).toEqual([1, 1]);
  });
});
