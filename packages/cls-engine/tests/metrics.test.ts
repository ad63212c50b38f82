import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfusionMatrix, clipGradientsByNorm, clipGradientsByValue } from '../src/index.js';
import { countTopK } from '../src/heads/linearHead.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ConfusionMatrix', () => {
  it('computes per-class precision, recall, F1, support and macro-F1 by hand', () => {
    // true:      0 0 0 1 1 2 2 2 2
    // predicted: 0 0 1 1 2 2 2 0 0
    const matrix = new ConfusionMatrix(4);
    matrix.add([0, 0, 0, 1], [0, 0, 1, 1]);
    matrix.add(Int32Array.from([1, 2, 2, 2, 2]), Int32Array.from([2, 2, 2, 0, 0]));
    expect(matrix.total).toBe(9);
    expect(matrix.count(2, 0)).toBe(2);
    expect(matrix.accuracy).toBeCloseTo(5 / 9, 12);
    // class 0: TP 2, predicted 4, support 3; class 1: TP 1, predicted 2, support 2; class 2: TP 2, 3, 4.
    expect(matrix.classMetrics(0)).toEqual({ precision: 0.5, recall: 2 / 3, f1: 4 / 7, support: 3 });
    expect(matrix.classMetrics(1)).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(matrix.classMetrics(2)).toEqual({ precision: 2 / 3, recall: 0.5, f1: 4 / 7, support: 4 });
    // Class 3 never occurs: 0 by zero division, and left out of the macro average.
    expect(matrix.classMetrics(3)).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(matrix.f1Macro).toBeCloseTo((4 / 7 + 0.5 + 4 / 7) / 3, 12);
    expect(Object.keys(matrix.perClass(['x', 'y', 'z']))).toEqual(['x', 'y', 'z']);
    expect(Object.keys(matrix.perClass(['x', 'y', 'z', 'w']))).toEqual(['x', 'y', 'z', 'w']);
  });

  it('keys a predicted class without a name by its index, and rejects out-of-range classes', () => {
    const matrix = new ConfusionMatrix(3);
    matrix.add([0, 1], [2, 1]);
    expect(matrix.perClass(['a', 'b'])).toEqual({
      a: { precision: 0, recall: 0, f1: 0, support: 1 },
      b: { precision: 1, recall: 1, f1: 1, support: 1 },
      2: { precision: 0, recall: 0, f1: 0, support: 0 },
    });
    expect(() => {
      matrix.add([3], [0]);
    }).toThrow('class index out of range [0, 3): label 3, prediction 0');
    expect(() => {
      matrix.add([0, 1], [0]);
    }).toThrow('2 labels but 1 predictions');
    expect(new ConfusionMatrix(2).accuracy).toBe(0);
  });
});

describe('countTopK', () => {
  it('counts labels among the k largest logits', async () => {
    const logits = tf.tensor2d(
      [
        [0.9, 0.1, 0.2, 0.3, 0.4, 0.5], // label 1 is the smallest: miss
        [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], // label 1 ranks 5th: hit
        [6, 5, 4, 3, 2, 1], // label 0 is first: hit
        [1, 2, 3, 4, 5, 6], // label 0 ranks 6th: miss
      ],
      [4, 6],
    );
    const labels = tf.tensor1d([1, 1, 0, 0], 'int32');
    const top5 = countTopK(logits, labels, 5);
    const top1 = countTopK(logits, labels, 1);
    expect([(await top5.data())[0], (await top1.data())[0]]).toEqual([2, 1]);
    tf.dispose([logits, labels, top5, top1]);
  });
});

describe('gradient clipping', () => {
  it('scales all gradients by clip / (global norm + 1e-6) when the norm exceeds the limit', async () => {
    // Global norm of [3, 4] and [12] is 13.
    const gradients = [tf.tensor1d([3, 4]), tf.tensor1d([12])];
    const before = tf.memory().numTensors;
    const clipped = clipGradientsByNorm(gradients, 6.5);
    expect(tf.memory().numTensors).toBe(before + 2);
    const scale = 6.5 / (13 + 1e-6);
    const [a, b] = await Promise.all(clipped.map((t) => t.data()));
    expect(a![0]).toBeCloseTo(3 * scale, 6);
    expect(a![1]).toBeCloseTo(4 * scale, 6);
    expect(b![0]).toBeCloseTo(12 * scale, 6);
    const untouched = clipGradientsByNorm(gradients, 13.5);
    expect(Array.from(await untouched[0]!.data())).toEqual([3, 4]);
    tf.dispose([...gradients, ...clipped, ...untouched]);
  });

  it('clamps each value to ±clip', async () => {
    const gradients = [
      tf.tensor2d([
        [-2, 0.5],
        [0.25, 3],
      ]),
    ];
    const [clipped] = clipGradientsByValue(gradients, 1);
    expect(Array.from(await clipped!.data())).toEqual([-1, 0.5, 0.25, 1]);
    tf.dispose([...gradients, clipped!]);
  });
});
