import { ClsError, type ClassifierModel, type ModelHead } from '@nextplay/cls-core';
import { input, layers, model } from '@tensorflow/tfjs-layers';
import { STAGE_PLANES, blockExpansion, type ResNetArchitecture } from './resnetArchitectures.js';
import { basicBlock, bottleneckBlock } from './resnetBlocks.js';
import { ResNetLayers, applyLayer } from './resnetLayers.js';
import { TorchInitializers } from './torchInitializers.js';

/** Everything `buildResNet` needs: an architecture plus the input/output sizes and init options. */
export interface ResNetSpec extends ResNetArchitecture {
  readonly numClasses: number;
  /** Side of the square NHWC input, or `[height, width]`. */
  readonly imageSize: number | readonly [number, number];
  /**
   * The output layers (`model.head`), built on layer4's feature map. Absent: torchvision's own, one `fc` over the
   * pooled features giving `[N, numClasses]` logits. A head reading `columns` is built on layer3's feature map
   * instead, layer3 strided (2, 1) so it keeps its width (no layer4).
   */
  readonly head?: ModelHead | undefined;
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
  const [height, width] =
    typeof spec.imageSize === 'number' ? [spec.imageSize, spec.imageSize] : spec.imageSize;
  if (typeof spec.imageSize === 'number') requirePositiveInteger(height, 'image_size');
  else {
    requirePositiveInteger(height, 'image_size height');
    requirePositiveInteger(width, 'image_size width');
  }
  const keepColumns = spec.head?.features === 'columns';
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
    // A head reading columns reads layer3's feature map: deeper stages would mix the digits' columns.
    if (keepColumns && stage >= COLUMN_STAGES) return;
    const blocks = spec.layers[stage] ?? 0;
    for (let i = 0; i < blocks; i++) {
      x = block(nn, x, {
        name: `layer${stage + 1}.${i}`,
        inChannels,
        planes,
        stride: i === 0 && stage > 0 ? stageStride(keepColumns, stage) : 1,
        zeroInitResidual,
      });
      inChannels = planes * expansion;
    }
  });

  // torch nn.Linear init for every classifier a head adds; no seed for dropout (tfjs re-seeds every call with it,
  // which would drop the same units at every step).
  const dense = (name: string, units: number, fanIn: number) =>
    layers.dense({
      name,
      units,
      kernelInitializer: init.linearUniform(fanIn),
      biasInitializer: init.linearUniform(fanIn),
    });
  const name = spec.name ?? 'resnet';
  if (spec.head !== undefined) {
    const outputs = spec.head.build(x, {
      numClasses: spec.numClasses,
      inputChannels: inChannels,
      dropout,
      dense,
    });
    return model({ name, inputs: image, outputs: outputs.length === 1 ? (outputs[0] ?? []) : outputs });
  }
  x = applyLayer(layers.globalAveragePooling2d({ name: 'avgpool' }), x);
  if (dropout > 0) x = applyLayer(layers.dropout({ name: 'dropout', rate: dropout }), x);
  const logits = applyLayer(dense('fc', spec.numClasses, inChannels), x);
  return model({ name, inputs: image, outputs: logits });
}

/** Stages a head reading columns keeps: layer1 to layer3. */
const COLUMN_STAGES = 3;

/** With a head reading columns, layer3 halves only the height, so the columns survive for the digits. */
function stageStride(keepColumns: boolean, stage: number): number | readonly [number, number] {
  return keepColumns && stage >= 2 ? [2, 1] : 2;
}
