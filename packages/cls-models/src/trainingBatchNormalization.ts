import * as tf from '@tensorflow/tfjs-core';
import { layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import {
  BATCH_NORM_TRAINING,
  BATCH_NORM_TRAINING_GRAD,
  type BatchNormActivation,
  type BatchNormTrainingAttrs,
  type BatchNormTrainingGradAttrs,
} from '@nextplay/cls-core';
import { activeBackendHasKernel } from './activeBackendKernel.js';
import { feedsReluAlone, markRectified, type LayerConsumers } from './rectifiedTensors.js';

type BatchNormalizationLayer = ReturnType<typeof layers.batchNormalization>;
type BatchNormalizationArgs = NonNullable<Parameters<typeof layers.batchNormalization>[0]>;
type CallArgs = Parameters<BatchNormalizationLayer['call']>;

/** tfjs-layers exports the factory, not the class; its constructor is the class to extend. */
const BatchNormalization = layers.batchNormalization({}).constructor as new (
  args: BatchNormalizationArgs,
) => BatchNormalizationLayer;

/** The base layer's private state this subclass reads. */
interface BatchNormalizationState extends LayerConsumers {
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly gamma: LayerVariable | undefined;
  readonly beta: LayerVariable | undefined;
  readonly movingMean: LayerVariable;
  readonly movingVariance: LayerVariable;
}

/**
 * tfjs-layers' BatchNormalization with a fused training step. The stock layer differentiates its training
 * forward op by op (moments, subtraction, square, mean, FusedBatchNorm), so backpropagation keeps about five
 * activation-sized tensors per layer and runs a dozen elementwise kernels. Here the forward is one custom-gradient
 * node that keeps only its input, and the backward is the closed form
 * dx = γ·σ⁻¹·(dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy, as cuDNN and PyTorch compute it.
 * Where the active backend has cls-core's `BATCH_NORM_TRAINING` kernels (the wasm and WebGPU backends), both steps
 * run as one kernel each, and the forward one also updates the moving averages (on a GPU, six element-wise
 * kernels and two uploads fewer per layer). There, when the layer's output goes to a ReLU layer alone (conv → BN →
 * ReLU in a ResNet), the kernels apply relu too, forward and backward, and that ReLU (`TrainingReLU`) passes the
 * output on: a ReLU and its gradient fewer per such pair, each a GPU dispatch. Inference, weights and config are
 * the stock layer's, and it saves under the stock class name, so saved models load anywhere tfjs-layers does (as
 * the stock layer).
 */
export class TrainingBatchNormalization extends BatchNormalization {
  static readonly className = 'BatchNormalization';

  override call(...[inputs, kwargs]: CallArgs): tf.Tensor | tf.Tensor[] {
    const state = this as unknown as BatchNormalizationState;
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const channelsLast = state.axis === -1 || state.axis === (input?.rank ?? 0) - 1;
    if (
      kwargs.training !== true ||
      input === undefined ||
      !channelsLast ||
      state.gamma === undefined ||
      state.beta === undefined
    ) {
      return super.call(inputs, kwargs);
    }
    const kernels =
      activeBackendHasKernel(BATCH_NORM_TRAINING) && activeBackendHasKernel(BATCH_NORM_TRAINING_GRAD);
    const activation: BatchNormActivation = kernels && feedsReluAlone(state) ? 'relu' : 'linear';
    const step = kernels ? kernelStep(state, activation) : opsStep(input, state);
    const normalize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      const [y, mean, variance] = step.forward(x, gamma, beta);
      // relu's gradient needs the rectified output.
      save(activation === 'relu' ? [x, mean, variance, gamma, y] : [x, mean, variance, gamma]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [savedX, savedMean, savedVariance, savedGamma, savedY] = saved as [
            tf.Tensor,
            tf.Tensor,
            tf.Tensor,
            tf.Tensor,
            tf.Tensor | undefined,
          ];
          return step.backward(dy, savedX, savedMean, savedVariance, savedGamma, savedY);
        },
      };
    });
    const output = normalize(input, state.gamma.read(), state.beta.read());
    if (activation === 'relu') markRectified(output);
    return output;
  }
}

/** moving ← moving − (moving − value)·(1 − momentum), as the stock layer updates it. */
function updateMovingAverage(variable: LayerVariable, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const current = variable.read();
    variable.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - momentum)));
  });
}

/**
 * The training step's two halves: [y, mean, variance] forward (biased batch variance), which also updates the
 * layer's moving averages, and [dx, dγ, dβ] backward.
 */
interface TrainingStep {
  forward(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): TensorTriple;
  /** `y`, the forward's output, is there when the kernels apply relu. */
  backward(
    dy: tf.Tensor,
    x: tf.Tensor,
    mean: tf.Tensor,
    variance: tf.Tensor,
    gamma: tf.Tensor,
    y?: tf.Tensor,
  ): TensorTriple;
}

type TensorTriple = [tf.Tensor, tf.Tensor, tf.Tensor];

/** cls-core's batch-norm kernels, where the active backend registers them; with relu after them or not. */
function kernelStep(state: BatchNormalizationState, activation: BatchNormActivation): TrainingStep {
  const { epsilon, momentum } = state;
  return {
    forward: (x, gamma, beta) => {
      const inputs = {
        x,
        gamma,
        beta,
        movingMean: state.movingMean.read(),
        movingVariance: state.movingVariance.read(),
      };
      const [y, mean, variance, movingMean, movingVariance] = runKernel(
        BATCH_NORM_TRAINING,
        inputs,
        { epsilon, momentum, activation },
        5,
      ) as [...TensorTriple, tf.Tensor, tf.Tensor];
      // The variables take a reference of their own.
      state.movingMean.write(movingMean);
      state.movingVariance.write(movingVariance);
      tf.dispose([movingMean, movingVariance]);
      return [y, mean, variance];
    },
    backward: (dy, x, mean, variance, gamma, y) =>
      runKernel(
        BATCH_NORM_TRAINING_GRAD,
        { dy, x, mean, variance, gamma, ...(y === undefined ? {} : { y }) },
        { epsilon, activation },
        3,
      ) as TensorTriple,
  };
}

/** tfjs ops: moments and batchNorm forward, the closed-form gradient backward. */
function opsStep(input: tf.Tensor, state: BatchNormalizationState): TrainingStep {
  const { epsilon, momentum } = state;
  const reductionAxes = Array.from({ length: input.rank - 1 }, (_, i) => i);
  const count = input.size / (input.shape[input.rank - 1] ?? 1);
  return {
    forward: (x, gamma, beta) => {
      const { mean, variance } = tf.moments(x, reductionAxes);
      updateMovingAverage(state.movingMean, mean, momentum);
      updateMovingAverage(state.movingVariance, variance, momentum);
      return [tf.batchNorm(x, mean, variance, beta, gamma, epsilon), mean, variance];
    },
    backward: (dy, x, mean, variance, gamma) => {
      const invStd = tf.rsqrt(tf.add(variance, epsilon));
      const normalized = tf.mul(tf.sub(x, mean), invStd);
      const dBeta = tf.sum(dy, reductionAxes);
      const dGamma = tf.sum(tf.mul(dy, normalized), reductionAxes);
      const centered = tf.sub(tf.sub(dy, tf.div(dBeta, count)), tf.mul(normalized, tf.div(dGamma, count)));
      const dx = tf.mul(centered, tf.mul(gamma, invStd));
      return [dx, dGamma, dBeta];
    },
  };
}

function runKernel(
  kernelName: string,
  inputs: tf.NamedTensorMap,
  attrs: BatchNormTrainingAttrs | BatchNormTrainingGradAttrs,
  count: number,
): tf.Tensor[] {
  const outputs = tf.engine().runKernel<tf.Tensor[]>(kernelName, inputs, { ...attrs });
  if (outputs.length !== count) {
    throw new Error(`${kernelName} returned ${outputs.length} tensors, expected ${count}`);
  }
  return outputs;
}
