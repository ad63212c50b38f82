import { describe, expect, it } from 'vitest';
import { OTHER_CLASS } from '@nextplay/cls-core';
import { confusionCounts } from '../src/confusionCounts.js';

describe('confusionCounts', () => {
  it("puts a digit head's readings that are no class of the run in an (other) column", () => {
    const matrix = confusionCounts(
      {
        split: 'val',
        epoch: 0,
        targets: Int32Array.from([0, 1, 1, 2]),
        predicted: Int32Array.from([0, 3, 1, 3]),
        confidence: Float32Array.from([0.9, 0.5, 0.8, 0.4]),
        readings: ['7', '48', '23', '11'],
      },
      ['7', '23', '47'],
    );
    expect(matrix.classes).toEqual(['7', '23', '47', OTHER_CLASS]);
    expect(matrix.counts).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 1],
      [0, 0, 0, 1],
      [0, 0, 0, 0],
    ]);
    expect(matrix.correct).toBe(2);
  });

  it('names an unnamed output by its index for a class head', () => {
    const matrix = confusionCounts(
      {
        split: 'val',
        epoch: 0,
        targets: Int32Array.from([0]),
        predicted: Int32Array.from([2]),
        confidence: Float32Array.from([0.9]),
      },
      ['a', 'b'],
    );
    expect(matrix.classes).toEqual(['a', 'b', '2']);
  });
});
