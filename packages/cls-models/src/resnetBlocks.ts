import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { ResNetLayers } from './resnetLayers.js';

/** What one residual block needs besides its input; `name` is its torchvision path, e.g. `layer2.0`. */
export interface BlockOptions {
  readonly name: string;
  readonly inChannels: number;
  readonly planes: number;
  /** One stride for both axes, or `[height, width]` (a sequence head keeps the columns with `[2, 1]`). */
  readonly stride: number | readonly [number, number];
  readonly zeroInitResidual: boolean;
}

function isUnitStride(stride: number | readonly [number, number]): boolean {
  return typeof stride === 'number' ? stride === 1 : stride[0] === 1 && stride[1] === 1;
}

/** torchvision `downsample`: a strided 1x1 conv + BN when the shortcut changes shape, else the identity. */
function shortcut(
  nn: ResNetLayers,
  x: SymbolicTensor,
  options: BlockOptions,
  outChannels: number,
): SymbolicTensor {
  if (isUnitStride(options.stride) && options.inChannels === outChannels) return x;
  const conv = nn.conv(x, `${options.name}.downsample.0`, outChannels, 1, options.stride);
  return nn.batchNorm(conv, `${options.name}.downsample.1`);
}

/** torchvision `BasicBlock` (expansion 1): conv3x3(stride)-BN-ReLU-conv3x3-BN, add shortcut, ReLU. */
export function basicBlock(nn: ResNetLayers, x: SymbolicTensor, options: BlockOptions): SymbolicTensor {
  const { name, planes, stride } = options;
  let y = nn.conv(x, `${name}.conv1`, planes, 3, stride);
  y = nn.relu(nn.batchNorm(y, `${name}.bn1`), `${name}.relu1`);
  y = nn.conv(y, `${name}.conv2`, planes, 3, 1);
  y = nn.batchNorm(y, `${name}.bn2`, options.zeroInitResidual);
  return nn.relu(nn.add(y, shortcut(nn, x, options, planes), `${name}.add`), `${name}.relu`);
}

/**
 * torchvision `Bottleneck` v1.5 (expansion 4): conv1x1-BN-ReLU-conv3x3(stride)-BN-ReLU-conv1x1-BN, add shortcut,
 * ReLU. The stride sits on the 3x3 conv (v1.5), not on the first 1x1 conv as in the original paper (v1).
 */
export function bottleneckBlock(nn: ResNetLayers, x: SymbolicTensor, options: BlockOptions): SymbolicTensor {
  const { name, planes, stride } = options;
  const outChannels = planes * 4;
  let y = nn.conv(x, `${name}.conv1`, planes, 1, 1);
  y = nn.relu(nn.batchNorm(y, `${name}.bn1`), `${name}.relu1`);
  y = nn.conv(y, `${name}.conv2`, planes, 3, stride);
  y = nn.relu(nn.batchNorm(y, `${name}.bn2`), `${name}.relu2`);
  y = nn.conv(y, `${name}.conv3`, outChannels, 1, 1);
  y = nn.batchNorm(y, `${name}.bn3`, options.zeroInitResidual);
  return nn.relu(nn.add(y, shortcut(nn, x, options, outChannels), `${name}.add`), `${name}.relu`);
}
