import * as tf from '@tensorflow/tfjs-core';
import { layers, type LayerVariable } from '@tensorflow/tfjs-layers';

type Conv2DLayer = ReturnType<typeof layers.conv2d>;
type Conv2DArgs = Parameters<typeof layers.conv2d>[0];
type CallArgs = Parameters<Conv2DLayer['call']>;

/** tfjs-layers exports the factory, not the class; its constructor is the class to extend. */
const Conv2D = layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as new (
  args: Conv2DArgs,
) => Conv2DLayer;

/** The base layer's private state this subclass reads. */
interface Conv2DState {
  readonly kernel: LayerVariable;
  readonly bias: LayerVariable | null | undefined;
  readonly activation: { getClassName(): string } | null | undefined;
  readonly strides: [number, number];
  readonly padding: string;
  readonly dataFormat: string;
  readonly dilationRate: [number, number];
}

/**
 * tfjs-layers' Conv2D whose bias-free linear convolution runs as `tf.conv2d` instead of `tf.fused.conv2d`. The fused
 * op's gradient computes the gradient of every input, so backpropagation through the first convolution of a
 * network computes a gradient of the input images that nothing uses (5% of a ResNet-18 training step); the
 * plain op's gradient computes only what the variables need. Weights, config and class name are the stock layer's.
 */
export class UnfusedConv2D extends Conv2D {
  static readonly className = 'Conv2D';

  override call(...[inputs, kwargs]: CallArgs): tf.Tensor | tf.Tensor[] {
    const state = this as unknown as Conv2DState;
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const linear = state.activation == null || state.activation.getClassName() === 'linear';
    if (input?.rank !== 4 || state.bias != null || !linear || state.dataFormat !== 'channelsLast') {
      return super.call(inputs, kwargs);
    }
    return tf.conv2d(
      input as tf.Tensor4D,
      state.kernel.read() as tf.Tensor4D,
      state.strides,
      state.padding === 'same' ? 'same' : 'valid',
      'NHWC',
      state.dilationRate,
    );
  }
}
