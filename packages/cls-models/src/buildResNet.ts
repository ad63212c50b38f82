import { ClsError, type ClassifierModel } from '@nextplay/cls-core';
import { input, layers, model, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { STAGE_PLANES, blockExpansion, type ResNetArchitecture } from './resnetArchitectures.js';
import { basicBlock, bottleneckBlock } from './resnetBlocks.js';
import { CTC_CLASSES } from './heads/ctcLoss.js';
import { TENS_CLASSES, UNITS_CLASSES } from './heads/digitsLoss.js';
import { ResNetLayers, applyLayer } from './resnetLayers.js';
import { TorchInitializers } from './torchInitializers.js';

/** Everything `buildResNet` needs: an architecture plus the input/output sizes and init options. */
export interface ResNetSpec extends ResNetArchitecture {
  readonly numClasses: number;
  /** Side of the square NHWC input, or `[height, width]`. */
  readonly imageSize: number | readonly [number, number];
  /**
   * The output layers: `linear` (default) one `fc` over pooled features giving `[N, numClasses]` logits;
   * `digits` two outputs `tens` `[N, 11]` (none, 0–9) and `units` `[N, 10]`; `sequence` one output `columns`
   * `[N, W, 11]` (blank, 0–9) read from the height-pooled last feature map, layer3/layer4 strided (2, 1).
   */
  readonly head?: ResNetHead;
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

export type ResNetHead = 'linear' | 'digits' | 'sequence';

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
  const [height, width] =
    typeof spec.imageSize === 'number' ? [spec.imageSize, spec.imageSize] : spec.imageSize;
  if (typeof spec.imageSize === 'number') requirePositiveInteger(height, 'image_size');
  else {
    requirePositiveInteger(height, 'image_size height');
    requirePositiveInteger(width, 'image_size width');
  }
  const head = spec.head ?? 'linear';
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

  const image = input({ name: 'input', shape: [height, width, channels] });
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
        stride: i === 0 && stage > 0 ? stageStride(head, stage) : 1,
        zeroInitResidual,
      });
      inChannels = planes * expansion;
    }
  });

  if (head === 'sequence') return sequenceOutput(spec, init, image, x, inChannels, dropout);
  x = applyLayer(layers.globalAveragePooling2d({ name: 'avgpool' }), x);
  // No seed for dropout: tfjs re-seeds every call with it, which would drop the same units at every step.
  if (dropout > 0) x = applyLayer(layers.dropout({ name: 'dropout', rate: dropout }), x);
  if (head === 'digits') {
    const tens = applyLayer(denseHead(init, 'tens', TENS_CLASSES, inChannels), x);
    const units = applyLayer(denseHead(init, 'units', UNITS_CLASSES, inChannels), x);
    return model({ name: spec.name ?? 'resnet', inputs: image, outputs: [tens, units] });
  }
  const fc = layers.dense({
    name: 'fc',
    units: spec.numClasses,
    kernelInitializer: init.linearUniform(inChannels),
    biasInitializer: init.linearUniform(inChannels),
  });
  const logits = applyLayer(fc, x);
  return model({ name: spec.name ?? 'resnet', inputs: image, outputs: logits });
}

/** layer3 and layer4 of a sequence head halve only the height, so the columns survive for the digits. */
function stageStride(head: ResNetHead, stage: number): number | readonly [number, number] {
  return head === 'sequence' && stage >= 2 ? [2, 1] : 2;
}

function denseHead(init: TorchInitializers, name: string, units: number, inChannels: number) {
  return layers.dense({
    name,
    units,
    kernelInitializer: init.linearUniform(inChannels),
    biasInitializer: init.linearUniform(inChannels),
  });
}

/** Height-pools the last feature map and classifies each column over blank + 10 digits: `columns` [N, W, 11]. */
function sequenceOutput(
  spec: ResNetSpec,
  init: TorchInitializers,
  image: SymbolicTensor,
  features: SymbolicTensor,
  inChannels: number,
  dropout: number,
): ClassifierModel {
  const [, featureHeight, featureWidth] = features.shape;
  if (typeof featureHeight !== 'number' || typeof featureWidth !== 'number') {
    throw new Error('sequence head: the feature map needs a static height and width');
  }
  let x = applyLayer(
    layers.averagePooling2d({
      name: 'height_pool',
      poolSize: [featureHeight, 1],
      strides: [featureHeight, 1],
    }),
    features,
  );
  x = applyLayer(layers.reshape({ name: 'column_features', targetShape: [featureWidth, inChannels] }), x);
  if (dropout > 0) x = applyLayer(layers.dropout({ name: 'dropout', rate: dropout }), x);
  const columns = applyLayer(denseHead(init, 'columns', CTC_CLASSES, inChannels), x);
  return model({ name: spec.name ?? 'resnet', inputs: image, outputs: columns });
}
