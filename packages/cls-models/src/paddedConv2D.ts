import * as tf from '@tensorflow/tfjs-core';
import { layers, type LayerVariable } from '@tensorflow/tfjs-layers';

type Conv2DLayer = ReturnType<typeof layers.conv2d>;
type Conv2DArgs = Parameters<typeof layers.conv2d>[0];
type CallArgs = Parameters<Conv2DLayer['call']>;
type Shape = (number | null)[];

/** tfjs-layers exports the factory, not the class; its constructor is the class to extend. */
const Conv2D = layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as new (
  args: Conv2DArgs,
) => Conv2DLayer;

/** Zero rows above and below, zero columns left and right, as `ZeroPadding2D` writes its `padding`. */
export type ExplicitPadding = [[number, number], [number, number]];

/** The base layer's private state this subclass reads. */
interface Conv2DState {
  readonly kernel: LayerVariable;
  readonly bias: LayerVariable | null | undefined;
  readonly activation: { getClassName(): string } | null | undefined;
  readonly strides: [number, number];
  readonly dilationRate: [number, number];
}

/**
 * A channels-last Conv2D whose input is zero-padded by `explicitPadding` inside the convolution (tf.conv2d's
 * explicit padding), not by a `ZeroPadding2D` layer before it: one pass over the activations less. torchvision pads
 * its strided convs symmetrically, which Keras' 'same' does not, so the ResNets train with a padding layer and
 * `foldForInference` makes the pair one of these. Its weights are the Conv2D's; only the inference copy has it.
 */
export class PaddedConv2D extends Conv2D {
  static readonly className = 'ClsPaddedConv2D';
  readonly explicitPadding: ExplicitPadding;

  constructor(args: Conv2DArgs & { explicitPadding: ExplicitPadding }) {
    if (args.padding !== undefined && args.padding !== 'valid') {
      throw new Error(`PaddedConv2D ${args.name ?? ''}: padding must be 'valid', got ${args.padding}`);
    }
    if (args.dataFormat === 'channelsFirst') {
      throw new Error(`PaddedConv2D ${args.name ?? ''}: only channelsLast inputs`);
    }
    super(args);
    this.explicitPadding = args.explicitPadding;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const [[top, bottom], [left, right]] = this.explicitPadding;
    const [batch, height, width, channels] = shape;
    const padded = [
      batch ?? null,
      height == null ? null : height + top + bottom,
      width == null ? null : width + left + right,
      channels ?? null,
    ];
    return super.computeOutputShape(padded);
  }

  override call(...[inputs]: CallArgs): tf.Tensor | tf.Tensor[] {
    const state = this as unknown as Conv2DState;
    const input = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D | undefined;
    if (input?.rank !== 4) throw new Error(`PaddedConv2D ${this.name}: expected a rank-4 input`);
    const activation = state.activation?.getClassName() ?? 'linear';
    if (activation !== 'linear' && activation !== 'relu') {
      throw new Error(`PaddedConv2D ${this.name}: activation ${activation} is not linear or relu`);
    }
    const [[top, bottom], [left, right]] = this.explicitPadding;
    return tf.fused.conv2d({
      x: input,
      filter: state.kernel.read() as tf.Tensor4D,
      strides: state.strides,
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: state.dilationRate,
      ...(state.bias == null ? {} : { bias: state.bias.read() }),
      activation,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), explicitPadding: this.explicitPadding };
  }
}

// As tfjs custom layers are: registered under their class name, so that a model config naming it deserializes.
// Its static fromConfig is Layer's, which the base constructor's type above does not carry.
tf.serialization.registerClass(
  PaddedConv2D as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
);
