import { ClsError, type ClassifierModel } from '@nextplay/cls-core';
import { input, layers, model } from '@tensorflow/tfjs-layers';
import { STAGE_PLANES, blockExpansion, type ResNetArchitecture } from './resnetArchitectures.js';
import { basicBlock, bottleneckBlock } from './resnetBlocks.js';
import { ResNetLayers, applyLayer } from './resnetLayers.js';
import { TorchInitializers } from './torchInitializers.js';

/** Everything `buildResNet` needs: an architecture plus the input/output sizes and init options. */
export interface ResNetSpec extends ResNetArchitecture {
  readonly numClasses: number;
  /** Side of the square NHWC input. */
  readonly imageSize: number;
  /** Input channels; default 3. */
  readonly channels?: number;
  /** Start each residual branch's last BN with gamma 0, so every block begins as the identity; default false. */
  readonly zeroInitResidual?: boolean;
  /** Dropout rate before the classifier, in [0, 1); default 0 (no dropout layer, as in torchvision). */
  readonly dropout?: number;
  /** Seed for weight initialization; null or absent draws random seeds. */
  readonly seed?: number | null;
  /** Widths (`planes`) of layer1…layer4; default torchvision's 64, 128, 256, 512. Smaller ones make test models. */
  readonly planes?: readonly [number, number, number, number];
  /** Output channels of the stem conv; default 64. */
  readonly stemChannels?: number;
  /** Model name; default `resnet`. */
  readonly name?: string;
}

function requirePositiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ClsError('CONFIG_INVALID', `${what}=${value}: must be a positive integer`);
  }
}

/**
 * Builds torchvision's ResNet as a tfjs-layers functional model taking NHWC float32 images and returning logits
 * `[N, numClasses]` (no softmax). Layer names are torchvision module paths, so torchvision weights can be mapped
 * onto it (see `torchvisionStateDictKey`). Needs an initialized tfjs backend: the weights are created here.
 */
export function buildResNet(spec: ResNetSpec): ClassifierModel {
  const channels = spec.channels ?? 3;
  const dropout = spec.dropout ?? 0;
  const zeroInitResidual = spec.zeroInitResidual ?? false;
  requirePositiveInteger(spec.numClasses, 'num_classes');
  requirePositiveInteger(spec.imageSize, 'image_size');
  requirePositiveInteger(channels, 'channels');
  const stagePlanes = spec.planes ?? STAGE_PLANES;
  const stemChannels = spec.stemChannels ?? 64;
  requirePositiveInteger(stemChannels, 'stem channels');
  stagePlanes.forEach((planes, i) => {
    requirePositiveInteger(planes, `layer${i + 1} planes`);
  });
  spec.layers.forEach((count, i) => {
    requirePositiveInteger(count, `layer${i + 1} blocks`);
  });
  if (!(dropout >= 0 && dropout < 1)) {
    throw new ClsError('CONFIG_INVALID', `model.dropout=${dropout}: must be in [0, 1)`);
  }

  const init = new TorchInitializers(spec.seed ?? null);
  const nn = new ResNetLayers(init);
  const block = spec.block === 'basic' ? basicBlock : bottleneckBlock;
  const expansion = blockExpansion(spec.block);

  const image = input({ name: 'input', shape: [spec.imageSize, spec.imageSize, channels] });
  let x = nn.conv(image, 'conv1', stemChannels, 7, 2);
  x = nn.relu(nn.batchNorm(x, 'bn1'), 'relu');
  // torch pads the max pool with -inf; after the ReLU every value is >= 0, so padding with zeros selects the same
  // maxima. Output sides are floor((n - 1) / 2) + 1 >= 1 for every stride-2 step, so small inputs never reach 0.
  x = nn.zeroPad(x, 'maxpool_pad', 1);
  x = applyLayer(layers.maxPooling2d({ name: 'maxpool', poolSize: 3, strides: 2, padding: 'valid' }), x);

  let inChannels = stemChannels;
  stagePlanes.forEach((planes, stage) => {
    const blocks = spec.layers[stage] ?? 0;
    for (let i = 0; i < blocks; i++) {
      x = block(nn, x, {
        name: `layer${stage + 1}.${i}`,
        inChannels,
        planes,
        stride: i === 0 && stage > 0 ? 2 : 1,
        zeroInitResidual,
      });
      inChannels = planes * expansion;
    }
  });

  x = applyLayer(layers.globalAveragePooling2d({ name: 'avgpool' }), x);
  // No seed for dropout: tfjs re-seeds every call with it, which would drop the same units at every step.
  if (dropout > 0) x = applyLayer(layers.dropout({ name: 'dropout', rate: dropout }), x);
  const fc = layers.dense({
    name: 'fc',
    units: spec.numClasses,
    kernelInitializer: init.linearUniform(inChannels),
    biasInitializer: init.linearUniform(inChannels),
  });
  const logits = applyLayer(fc, x);
  return model({ name: spec.name ?? 'resnet', inputs: image, outputs: logits });
}
