import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// The gradients tfjs-layers registers for the models, which these tests take with tf.grads.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD, type BatchNormActivation } from '@nextplay/cls-core';
import { registerWasmTrainingKernels } from '../src/index.js';
import { maxRelativeDiff, randomValues } from './helpers/kernelValues.js';

const EPSILON = 1e-5;
const MOMENTUM = 0.9;

/** moving − (moving − batch)·(1 − momentum), as tfjs-layers' BatchNormalization updates its moving averages. */
function movingAverage(moving: tf.Tensor, batch: tf.Tensor): tf.Tensor {
  return tf.sub(moving, tf.mul(tf.sub(moving, batch), 1 - MOMENTUM));
}

/** Batch norm in training mode and its gradients by tfjs ops, differentiated by tfjs, then the moving averages. */
function byOps(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  dy: tf.Tensor,
  moving: [tf.Tensor1D, tf.Tensor1D],
  activation: BatchNormActivation,
): tf.Tensor[] {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const forward = (input: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
    const { mean, variance } = tf.moments(input, axes);
    const y = tf.add(tf.mul(tf.div(tf.sub(input, mean), tf.sqrt(tf.add(variance, EPSILON))), g), b);
    return activation === 'relu' ? tf.relu(y) : y;
  };
  const { mean, variance } = tf.moments(x, axes);
  const gradients = tf.grads((input, g, b) => tf.sum(tf.mul(forward(input, g, b), dy)))([x, gamma, beta]);
  return [
    forward(x, gamma, beta),
    mean,
    variance,
    ...gradients,
    movingAverage(moving[0], mean),
    movingAverage(moving[1], variance),
  ];
}

describe('wasm training batch-norm kernels', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  // Channels in multiples of 4 run the SIMD passes, others JavaScript; each without and with relu after it.
  it.each(
    [
      { shape: [4, 5, 3, 8], offset: 0 },
      { shape: [3, 3, 3, 4], offset: 200 },
      { shape: [2, 2, 2, 64], offset: 0 },
      { shape: [4, 5, 3, 6], offset: 0 },
      { shape: [2, 1, 1, 9], offset: 0 },
      { shape: [7, 3], offset: 0 },
      // Mean far from zero, where a float32 sum of squares would lose the variance.
      { shape: [8, 4, 4, 5], offset: 200 },
    ].flatMap((shapeCase) =>
      (['linear', 'relu'] as const).map((activation) => ({ ...shapeCase, activation })),
    ),
  )(
    'match the tfjs ops on cpu: $shape, values around $offset, $activation',
    async ({ shape, offset, activation }) => {
      const size = shape.reduce((a, b) => a * b);
      const channels = shape[shape.length - 1]!;
      const x = randomValues(size, 1, offset, 3);
      const dy = randomValues(size, 2, 0, 3);
      const gamma = randomValues(channels, 3, 1, 3);
      const beta = randomValues(channels, 4, 0, 3);
      const movingMean = randomValues(channels, 5, offset, 3);
      const movingVariance = randomValues(channels, 6, 2, 1);

      await tf.setBackend('cpu');
      const expected = tf.tidy(() =>
        byOps(
          tf.tensor(x, shape),
          tf.tensor1d(gamma),
          tf.tensor1d(beta),
          tf.tensor(dy, shape),
          [tf.tensor1d(movingMean), tf.tensor1d(movingVariance)],
          activation,
        ),
      );
      const expectedValues = await Promise.all(expected.map((t) => t.data<'float32'>()));
      tf.dispose(expected);

      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const dataIdsBefore = tf.backend().numDataIds();
      const actual = tf.tidy(() => {
        const input = tf.tensor(x, shape);
        const g = tf.tensor1d(gamma);
        const [y, mean, variance, updatedMean, updatedVariance] = tf.engine().runKernel<tf.Tensor[]>(
          BATCH_NORM_TRAINING,
          {
            x: input,
            gamma: g,
            beta: tf.tensor1d(beta),
            movingMean: tf.tensor1d(movingMean),
            movingVariance: tf.tensor1d(movingVariance),
          },
          { epsilon: EPSILON, momentum: MOMENTUM, activation },
        ) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const gradients = tf.engine().runKernel<tf.Tensor[]>(
          BATCH_NORM_TRAINING_GRAD,
          {
            dy: tf.tensor(dy, shape),
            x: input,
            mean,
            variance,
            gamma: g,
            ...(activation === 'relu' ? { y } : {}),
          },
          { epsilon: EPSILON, activation },
        );
        return [y, mean, variance, ...gradients, updatedMean, updatedVariance];
      });
      const actualValues = await Promise.all(actual.map((t) => t.data<'float32'>()));
      tf.dispose(actual);
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.backend().numDataIds()).toBe(dataIdsBefore);
      const names = ['y', 'mean', 'variance', 'dx', 'dGamma', 'dBeta', 'movingMean', 'movingVariance'];
      if (activation === 'relu') expect(actualValues[0]!.filter((v) => v === 0).length).toBeGreaterThan(0);
      actualValues.forEach((values, i) => {
        expect(maxRelativeDiff(values, expectedValues[i]!, 1), names[i]).toBeLessThan(
          offset === 0 ? 1e-5 : 1e-3,
        );
      });
    },
  );
});
