import * as tf from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import { RELU_GRAD } from '@nextplay/cls-core';
import { activeBackendHasKernel } from './activeBackendKernel.js';
import { isRectified } from './rectifiedTensors.js';

type ReLULayer = ReturnType<typeof layers.reLU>;
type ReLUArgs = NonNullable<Parameters<typeof layers.reLU>[0]>;
type CallArgs = Parameters<ReLULayer['call']>;

/** tfjs-layers exports the factory, not the class; its constructor is the class to extend. */
const ReLU = layers.reLU({}).constructor as new (args: ReLUArgs) => ReLULayer;

/** relu whose gradient is cls-core's one-kernel `RELU_GRAD`, taken from the saved output. */
const reluWithFusedGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const y = tf.relu(x);
  save([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [output] = saved;
      if (output === undefined) throw new Error('relu saved no output for its gradient');
      return tf.engine().runKernel<tf.Tensor>(RELU_GRAD, { dy, y: output }, {});
    },
  };
});

/**
 * tfjs-layers' ReLU whose training gradient is one kernel where the active backend registers cls-core's
 * `RELU_GRAD` (the WebGPU and wasm backends): tfjs differentiates relu as dy·cast(step(x)), three kernels per layer
 * (on a GPU two dispatches, 34 a ResNet-18 step). An input that the layer before it already rectified in its
 * kernels (`TrainingBatchNormalization`, `TrainingAdd`) it passes on as it is. Elsewhere, in inference, with `maxValue` and for
 * inputs other than float32, it is the stock layer; it saves under the stock class name.
 */
export class TrainingReLU extends ReLU {
  static readonly className = 'ReLU';

  override call(...[inputs, kwargs]: CallArgs): tf.Tensor | tf.Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const { maxValue } = this as unknown as { readonly maxValue: number | null | undefined };
    // tfjs-layers' apply copies an input that a layer returns unchanged (a new tensor on the same GPU buffer).
    if (input !== undefined && maxValue == null && isRectified(input)) return input;
    if (
      kwargs.training !== true ||
      input?.dtype !== 'float32' ||
      maxValue != null ||
      !activeBackendHasKernel(RELU_GRAD)
    )
      return super.call(inputs, kwargs);
    return reluWithFusedGradient(input);
  }
}
