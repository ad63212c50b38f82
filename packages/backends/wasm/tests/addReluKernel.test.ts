import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADD_RELU } from '@nextplay/cls-core';
import { registerWasmTrainingKernels } from '../src/index.js';
import { randomValues } from './helpers/kernelValues.js';

describe('ADD_RELU on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  // Sizes: below one SIMD block, blocks plus a remainder of 1–3 values.
  it.each([3, 4, 1027, 4096 + 2])('is relu(a + b), NaN kept, as tfjs computes it (%i values)', (size) => {
    const a = randomValues(size, 41);
    const b = randomValues(size, 42);
    a.set([NaN, 1, -1, Infinity].slice(0, size));
    b.set([1, -1, 0.5, -Infinity].slice(0, size));
    if (size > 1000) a.set([NaN, -3, 2], size - 3);
    const [aTensor, bTensor] = [tf.tensor(a), tf.tensor(b)];
    const fused = tf.engine().runKernel<tf.Tensor>(ADD_RELU, { a: aTensor, b: bTensor }, {});
    const stock = tf.relu(tf.add(aTensor, bTensor));
    const [ours, theirs] = [Array.from(fused.dataSync()), Array.from(stock.dataSync())];
    tf.dispose([aTensor, bTensor, fused, stock]);
    const expected = Array.from(a, (value, i) => {
      const sum = Math.fround(value + (b[i] ?? NaN));
      return sum < 0 ? 0 : sum;
    });
    expect(ours).toEqual(expected);
    expect(ours.slice(0, Math.min(size, 4))).toEqual([NaN, 0, 0, NaN].slice(0, size));
    // tfjs-wasm's Relu agrees but for a NaN with its sign bit set (∞ − ∞ on x86), which it makes 0.
    expect(ours.filter((value, i) => !Number.isNaN(value) && value !== theirs[i])).toEqual([]);
  });

  it('says what it needs when a and b differ in shape', () => {
    const [a, b] = [tf.zeros([2, 3]), tf.zeros([3, 2])];
    expect(() => tf.engine().runKernel(ADD_RELU, { a, b }, {})).toThrow(
      `${ADD_RELU} needs float32 a and b of one shape (got [2, 3] and [3, 2])`,
    );
    tf.dispose([a, b]);
  });
});
