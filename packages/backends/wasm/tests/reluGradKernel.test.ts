import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { RELU_GRAD } from '@nextplay/cls-core';
import { registerWasmTrainingKernels } from '../src/index.js';
import { randomValues } from './helpers/kernelValues.js';

describe('RELU_GRAD on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  // Sizes: below one SIMD block, blocks plus a remainder of 1–3 values.
  it.each([3, 4, 1027, 4096 + 2])(
    'is dy where relu(x) > 0, 0 elsewhere and NaN where x is NaN (%i values)',
    (size) => {
      const x = randomValues(size, 31);
      x.set([0, -0, NaN, Infinity, -Infinity, 1e-30, -1e-30].slice(0, size));
      if (size > 1000) x.set([NaN, 0, -2, 5], size - 4);
      const dy = randomValues(size, 32);
      const [xTensor, dyTensor] = [tf.tensor(x), tf.tensor(dy)];
      const y = tf.relu(xTensor);
      const fused = tf.engine().runKernel<tf.Tensor>(RELU_GRAD, { dy: dyTensor, y }, {});
      const stock = tf.grad((t: tf.Tensor) => tf.relu(t))(xTensor, dyTensor);
      const [ours, theirs] = [fused.dataSync(), stock.dataSync()];
      tf.dispose([xTensor, dyTensor, y, fused, stock]);
      const expected = Array.from(x, (value, i) =>
        Number.isNaN(value) ? NaN : value > 0 ? (dy[i] ?? NaN) : 0,
      );
      // toEqual tells +0 from −0: dx is +0 where relu(x) is 0, as torch's threshold_backward gives.
      expect(Array.from(ours)).toEqual(expected);
      // tfjs's dy·step(x) agrees but for the sign of those zeros.
      expect(
        Array.from(
          ours,
          (value, i) => value === theirs[i] || (Number.isNaN(value) && Number.isNaN(theirs[i] ?? 0)),
        ),
      ).not.toContain(false);
    },
  );

  it('says what it needs when dy and y differ in size', () => {
    const [dy, y] = [tf.zeros([4]), tf.zeros([5])];
    expect(() => tf.engine().runKernel(RELU_GRAD, { dy, y }, {})).toThrow(
      `${RELU_GRAD} needs float32 dy and y of one shape (got [4] and [5])`,
    );
    tf.dispose([dy, y]);
  });
});
