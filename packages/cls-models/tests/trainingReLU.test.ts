import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { layers } from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { RELU_GRAD } from '@nextplay/cls-core';
import { registerWasmTrainingKernels } from '@nextplay/cls-backend-wasm';
import { TrainingReLU } from '../src/trainingReLU.js';

/** The layer's output and input gradient in training mode for a loss that weights every output. */
function trainStep(
  layer: { apply: (x: tf.Tensor, kwargs: object) => unknown },
  x: tf.Tensor,
  weights: tf.Tensor,
) {
  const output = layer.apply(x, { training: true }) as tf.Tensor;
  const dx = tf.grad((input: tf.Tensor) =>
    tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, weights)),
  )(x);
  return { output, dx };
}

describe('TrainingReLU', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  // On cpu it is the stock layer; on wasm with the training kernels its gradient is RELU_GRAD.
  it.each([
    ['cpu', ['Relu', 'Step']],
    ['wasm', ['Relu', RELU_GRAD]],
  ] as const)('trains like the stock layer on %s, with kernels %j', async (backend, kernels) => {
    await tf.setBackend(backend);
    if (backend === 'wasm') registerWasmTrainingKernels();
    // About half the inputs negative (all −0.6), where dx is 0.
    const x = tf.tidy(() =>
      tf.mul(tf.sub(tf.relu(tf.randomNormal([2, 5, 5, 6], 0, 1, 'float32', 3)), 0.3), 2),
    );
    const weights = tf.randomNormal([2, 5, 5, 6], 0, 1, 'float32', 4);
    const stock = trainStep(layers.reLU({}), x, weights);
    const fused = trainStep(new TrainingReLU({}), x, weights);
    expect(Array.from(fused.output.dataSync())).toEqual(Array.from(stock.output.dataSync()));
    expect(Array.from(fused.dx.dataSync(), Math.abs)).toEqual(Array.from(stock.dx.dataSync(), Math.abs));
    expect(Array.from(fused.dx.dataSync()).filter((v) => v === 0).length).toBeGreaterThan(50);
    const profile = await tf.profile(() => trainStep(new TrainingReLU({}), x, weights).dx);
    const ran = new Set(profile.kernelNames);
    for (const kernel of kernels) expect(ran).toContain(kernel);
    if (backend === 'wasm') expect(ran).not.toContain('Step');
    tf.dispose([x, weights, stock.output, stock.dx, fused.output, fused.dx]);
  });

  it('is the stock layer in inference, with maxValue, and under the stock class name', async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    const x = tf.tensor([-1, 0, 2, 9]);
    const inference = await tf.profile(() =>
      tf.grad((t: tf.Tensor) => new TrainingReLU({}).apply(t) as tf.Tensor)(x),
    );
    expect(inference.kernelNames).not.toContain(RELU_GRAD);
    const capped = new TrainingReLU({ maxValue: 6 });
    expect(Array.from((capped.apply(x, { training: true }) as tf.Tensor).dataSync())).toEqual([0, 0, 2, 6]);
    expect(new TrainingReLU({}).getClassName()).toBe('ReLU');
    x.dispose();
  });
});
