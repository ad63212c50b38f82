import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { layers, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD, RELU_GRAD } from '@nextplay/cls-core';
import { registerWasmTrainingKernels } from '@nextplay/cls-backend-wasm';
import { TrainingBatchNormalization } from '../src/trainingBatchNormalization.js';
import { TrainingReLU } from '../src/trainingReLU.js';

const ARGS = { axis: -1, momentum: 0.9, epsilon: 1e-5 } as const;

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Infinity);
}

/** Output and gradients (input, γ, β) of `layer` in training mode for a loss that weights every output. */
function trainStep(layer: ReturnType<typeof layers.batchNormalization>, x: tf.Tensor, weights: tf.Tensor) {
  // LayerVariable.read() returns the tf.Variable holding the weight (typed as a plain Tensor).
  const [gamma, beta] = layer.weights.slice(0, 2).map((w) => w.read()) as unknown as [
    tf.Variable,
    tf.Variable,
  ];
  let output: tf.Tensor | undefined;
  const { grads } = tf.variableGrads(() => {
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    output = tf.keep(y);
    return tf.sum(tf.mul(y, weights));
  }, [gamma, beta]);
  const dx = tf.grad((input: tf.Tensor) =>
    tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, weights)),
  )(x);
  return { output: output!, dGamma: grads[gamma.name]!, dBeta: grads[beta.name]!, dx };
}

describe('TrainingBatchNormalization', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // On cpu the layer differentiates tfjs ops; on wasm with the engine's kernels it runs BATCH_NORM_TRAINING(_GRAD).
  it.each(['cpu', 'wasm'])(
    'trains like the stock layer on %s: same output, gradients, moving statistics',
    async (backend) => {
      await tf.setBackend(backend);
      if (backend === 'wasm') registerWasmTrainingKernels();
      const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([4, 5, 5, 6], 0, 1, 'float32', 7), 3), 2));
      const weights = tf.randomNormal([4, 5, 5, 6], 0, 1, 'float32', 8);
      const stock = layers.batchNormalization(ARGS);
      const fused = new TrainingBatchNormalization(ARGS);
      for (const layer of [stock, fused]) {
        layer.build([4, 5, 5, 6]);
        layer.setWeights([
          tf.tensor1d([1, 2, 0.5, -1, 0.1, 3]),
          tf.tensor1d([0, 1, -1, 0.5, 2, -2]),
          tf.zeros([6]),
          tf.ones([6]),
        ]);
      }
      const reference = trainStep(stock, x, weights);
      const result = trainStep(fused, x, weights);
      expect(maxAbsDiff(result.output, reference.output)).toBeLessThan(1e-5);
      expect(maxAbsDiff(result.dGamma, reference.dGamma)).toBeLessThan(1e-4);
      expect(maxAbsDiff(result.dBeta, reference.dBeta)).toBeLessThan(1e-4);
      expect(maxAbsDiff(result.dx, reference.dx)).toBeLessThan(1e-5);
      // The moving statistics moved (twice: variableGrads and grad each ran a training forward), identically.
      for (const index of [2, 3]) {
        expect(maxAbsDiff(fused.getWeights()[index]!, stock.getWeights()[index]!)).toBeLessThan(1e-5);
      }
      expect(Math.abs(fused.getWeights()[2]!.dataSync()[0]!)).toBeGreaterThan(0.1);
      // Inference uses the moving statistics, as the stock layer does.
      expect(
        maxAbsDiff(
          fused.apply(x, { training: false }) as tf.Tensor,
          stock.apply(x, { training: false }) as tf.Tensor,
        ),
      ).toBeLessThan(1e-5);
      const { kernelNames } = await tf.profile(() =>
        tf.grad((input: tf.Tensor) => tf.sum(fused.apply(input, { training: true }) as tf.Tensor))(x),
      );
      const fusedKernels = [BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD];
      expect(fusedKernels.every((name) => kernelNames.includes(name))).toBe(backend === 'wasm');
      // A training step, moving averages included, leaves no tensor behind.
      const tensorsBefore = tf.memory().numTensors;
      tf.tidy(() => {
        tf.grad((input: tf.Tensor) => tf.sum(fused.apply(input, { training: true }) as tf.Tensor))(x);
      });
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    },
  );

  it('keeps fewer tensors for backpropagation, and saves under the stock class name', async () => {
    await tf.setBackend('cpu');
    const x = tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 1);
    const retained = (layer: ReturnType<typeof layers.batchNormalization>) => {
      layer.build([2, 8, 8, 4]);
      const before = tf.memory().numTensors;
      let during = 0;
      tf.grad((input: tf.Tensor) => {
        const y = tf.sum(layer.apply(input, { training: true }) as tf.Tensor);
        during = tf.memory().numTensors - before;
        return y;
      })(x).dispose();
      expect(tf.memory().numTensors).toBe(before);
      return during;
    };
    expect(retained(new TrainingBatchNormalization(ARGS))).toBeLessThan(
      retained(layers.batchNormalization(ARGS)),
    );
    expect(new TrainingBatchNormalization(ARGS).getClassName()).toBe('BatchNormalization');
  });
});

describe('TrainingBatchNormalization followed by ReLU', () => {
  /**
   * x → BN → ReLU → output, and, with `shared`, the BN output also added to the result, so that the ReLU is not its
   * only consumer. Returns a weighted sum of the output (the loss), its gradients for γ, β and x, and the kernels
   * a step ran.
   */
  async function trainBnRelu(backend: string, shared: boolean) {
    await tf.setBackend(backend);
    const input = tfl.input({ shape: [5, 5, 8] });
    const bn = new TrainingBatchNormalization({ ...ARGS, name: 'bn' });
    const normalized = bn.apply(input) as SymbolicTensor;
    const rectified = new TrainingReLU({ name: 'relu' }).apply(normalized) as SymbolicTensor;
    const output = shared ? (layers.add().apply([rectified, normalized]) as SymbolicTensor) : rectified;
    const model = tfl.model({ inputs: input, outputs: output });
    bn.setWeights([
      tf.tensor1d([1, 2, 0.5, -1, 0.1, 3, 1, 1]),
      tf.tensor1d([0, 1, -1, 0.5, 2, -2, 0.3, -0.3]),
      tf.zeros([8]),
      tf.ones([8]),
    ]);
    const x = tf.randomNormal([3, 5, 5, 8], 1, 2, 'float32', 3);
    const weights = tf.randomNormal([3, 5, 5, 8], 0, 1, 'float32', 4);
    const [gamma, beta] = bn.weights.slice(0, 2).map((w) => w.read()) as unknown as [
      tf.Variable,
      tf.Variable,
    ];
    const loss = () => tf.sum<tf.Scalar>(tf.mul(model.apply(x, { training: true }) as tf.Tensor, weights));
    const { kernelNames } = await tf.profile(() => tf.variableGrads(loss, [gamma, beta]));
    const { value, grads } = tf.variableGrads(loss, [gamma, beta]);
    const dx = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(model.apply(t, { training: true }) as tf.Tensor, weights)),
    )(x);
    const values = await Promise.all([value, grads[gamma.name]!, grads[beta.name]!, dx].map((t) => t.data()));
    return { values, kernelNames };
  }

  it.each([false, true])(
    'computes relu in the batch-norm kernels where ReLU is the only consumer (other consumer: %s)',
    async (shared) => {
      const reference = await trainBnRelu('cpu', shared);
      registerWasmTrainingKernels();
      const fused = await trainBnRelu('wasm', shared);
      reference.values.forEach((values, i) => {
        const scale = Math.max(1, ...Array.from(values, Math.abs));
        const worst = Math.max(...Array.from(values, (v, j) => Math.abs(v - (fused.values[i]![j] ?? NaN))));
        expect(worst / scale).toBeLessThan(1e-5);
      });
      expect(fused.kernelNames).toContain(BATCH_NORM_TRAINING_GRAD);
      // Fused: no relu of its own and no relu gradient; with another consumer, both.
      expect(fused.kernelNames.includes('Relu')).toBe(shared);
      expect(fused.kernelNames.includes(RELU_GRAD)).toBe(shared);
    },
  );
});
