import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { ADD_RELU, RELU_GRAD } from '@nextplay/cls-core';
import { registerWasmTrainingKernels } from '@nextplay/cls-backend-wasm';
import { TrainingAdd } from '../src/trainingAdd.js';
import { TrainingReLU } from '../src/trainingReLU.js';

/**
 * a, b → dense layers → TrainingAdd → TrainingReLU → output and, with `shared`, the sum also added to the result, so
 * that the ReLU is not its only consumer. Returns a weighted sum of the output (the loss), its gradients for every
 * weight, and the kernels a training step ran.
 */
async function trainResidual(backend: string, shared: boolean) {
  await tf.setBackend(backend);
  const input = tfl.input({ shape: [6] });
  const left = tfl.layers.dense({ units: 8, kernelInitializer: 'glorotNormal', name: 'left' });
  const right = tfl.layers.dense({ units: 8, kernelInitializer: 'glorotNormal', name: 'right' });
  const sum = new TrainingAdd({ name: 'add' }).apply([
    left.apply(input) as SymbolicTensor,
    right.apply(input) as SymbolicTensor,
  ]) as SymbolicTensor;
  const rectified = new TrainingReLU({ name: 'relu' }).apply(sum) as SymbolicTensor;
  const output = shared ? (tfl.layers.add().apply([rectified, sum]) as SymbolicTensor) : rectified;
  const model = tfl.model({ inputs: input, outputs: output });
  model.setWeights([
    tf.tensor2d(
      Float32Array.from({ length: 48 }, (_, i) => Math.sin(i)),
      [6, 8],
    ),
    tf.zeros([8]),
    tf.tensor2d(
      Float32Array.from({ length: 48 }, (_, i) => Math.cos(3 * i)),
      [6, 8],
    ),
    tf.zeros([8]),
  ]);
  const x = tf.tensor2d(
    Float32Array.from({ length: 30 }, (_, i) => Math.sin(7 * i) * 2),
    [5, 6],
  );
  const weights = tf.tensor2d(
    Float32Array.from({ length: 40 }, (_, i) => Math.cos(i)),
    [5, 8],
  );
  const variables = model.trainableWeights.map((w) => w.read() as unknown as tf.Variable);
  const loss = () => tf.sum<tf.Scalar>(tf.mul(model.apply(x, { training: true }) as tf.Tensor, weights));
  const { kernelNames } = await tf.profile(() => tf.variableGrads(loss, variables));
  const { value, grads } = tf.variableGrads(loss, variables);
  const values = await Promise.all([value, ...variables.map((v) => grads[v.name]!)].map((t) => t.data()));
  return { values, kernelNames };
}

describe('TrainingAdd followed by ReLU', () => {
  it.each([false, true])(
    'adds and rectifies in one kernel where ReLU is the only consumer (other consumer: %s)',
    async (shared) => {
      const reference = await trainResidual('cpu', shared);
      registerWasmTrainingKernels();
      const fused = await trainResidual('wasm', shared);
      reference.values.forEach((values, i) => {
        const scale = Math.max(1, ...Array.from(values, Math.abs));
        const worst = Math.max(...Array.from(values, (v, j) => Math.abs(v - (fused.values[i]![j] ?? NaN))));
        expect(worst / scale).toBeLessThan(1e-5);
      });
      // Fused: the sum and relu in one kernel, none of their own; with another consumer, the stock Add and Relu.
      expect(fused.kernelNames.includes(ADD_RELU)).toBe(!shared);
      expect(fused.kernelNames.includes('Relu')).toBe(shared);
      expect(fused.kernelNames).toContain(RELU_GRAD);
    },
  );

  it('saves under the stock class name', () => {
    expect(new TrainingAdd({}).getClassName()).toBe('Add');
  });
});
