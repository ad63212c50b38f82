import { SymbolicTensor, layers } from '@tensorflow/tfjs-layers';
import type { TorchInitializers } from './torchInitializers.js';
import { TrainingAdd } from './trainingAdd.js';
import { TrainingBatchNormalization } from './trainingBatchNormalization.js';
import { TrainingReLU } from './trainingReLU.js';
import { UnfusedConv2D } from './unfusedConv2D.js';

/** Any tfjs layer (tfjs-layers does not export its `Layer` class from the package root). */
type Layer = Pick<ReturnType<typeof layers.conv2d>, 'apply' | 'name'>;

/** Applies a layer to symbolic inputs (functional API) and returns its single symbolic output. */
export function applyLayer(layer: Layer, inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  const output = layer.apply(inputs);
  if (!(output instanceof SymbolicTensor)) {
    throw new Error(`layer ${layer.name} did not return a single symbolic tensor`);
  }
  return output;
}

/**
 * The layers a ResNet is made of, configured like torchvision's: bias-free convs with Kaiming fan-out init,
 * BatchNorm with eps 1e-5 and torch momentum 0.1 (tfjs counts momentum the other way round: 1 - 0.1 = 0.9).
 * Layer names are torchvision module paths (`layer1.0.conv1`); tfjs allows dots in names. Layers without a
 * torchvision module get names derived from their neighbour (`conv1_pad`, `layer1.0.add`).
 */
export class ResNetLayers {
  constructor(private readonly init: TorchInitializers) {}

  /**
   * A bias-free conv with torch's symmetric padding `(kernel - 1) / 2`. With stride 1 tfjs 'same' padding is that
   * padding; with stride 2 'same' pads only bottom/right, so the input is zero-padded explicitly and the conv is
   * 'valid', exactly like torch.
   */
  conv(
    x: SymbolicTensor,
    name: string,
    filters: number,
    kernelSize: number,
    stride: number | readonly [number, number],
  ): SymbolicTensor {
    const padding = (kernelSize - 1) / 2;
    const strides: [number, number] = typeof stride === 'number' ? [stride, stride] : [stride[0], stride[1]];
    const explicitPadding = Math.max(...strides) > 1 && padding > 0;
    const input = explicitPadding ? this.zeroPad(x, `${name}_pad`, padding) : x;
    const conv = new UnfusedConv2D({
      name,
      filters,
      kernelSize,
      strides,
      padding: explicitPadding ? 'valid' : 'same',
      useBias: false,
      kernelInitializer: this.init.kaimingNormalFanOut(kernelSize, filters),
    });
    return applyLayer(conv, input);
  }

  /** `zeroGamma` makes the block start as identity (torchvision's `zero_init_residual`). */
  batchNorm(x: SymbolicTensor, name: string, zeroGamma = false): SymbolicTensor {
    // tfjs updates the moving variance with the biased batch variance; torch uses the unbiased one. The two
    // differ by a factor n/(n-1) of the per-channel element count, negligible for image batches.
    const bn = new TrainingBatchNormalization({
      name,
      axis: -1,
      momentum: 0.9,
      epsilon: 1e-5,
      gammaInitializer: zeroGamma ? 'zeros' : 'ones',
      betaInitializer: 'zeros',
    });
    return applyLayer(bn, x);
  }

  relu(x: SymbolicTensor, name: string): SymbolicTensor {
    return applyLayer(new TrainingReLU({ name }), x);
  }

  zeroPad(x: SymbolicTensor, name: string, padding: number): SymbolicTensor {
    const pad = layers.zeroPadding2d({
      name,
      padding: [
        [padding, padding],
        [padding, padding],
      ],
    });
    return applyLayer(pad, x);
  }

  add(a: SymbolicTensor, b: SymbolicTensor, name: string): SymbolicTensor {
    return applyLayer(new TrainingAdd({ name }), [a, b]);
  }
}
