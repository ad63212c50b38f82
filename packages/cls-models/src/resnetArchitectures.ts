/** Which residual block a ResNet stacks: torchvision's `BasicBlock` (two 3x3 convs) or `Bottleneck` (1x1-3x3-1x1). */
export type ResNetBlock = 'basic' | 'bottleneck';

/** The depth-defining part of a ResNet: block type and how many blocks each of `layer1`…`layer4` holds. */
export interface ResNetArchitecture {
  readonly block: ResNetBlock;
  readonly layers: readonly [number, number, number, number];
}

export type ResNetArchName = 'resnet18' | 'resnet34' | 'resnet50' | 'resnet101' | 'resnet152';

/** torchvision's `resnet18`…`resnet152` (Bottleneck models are v1.5: stride on the 3x3 conv). */
export const RESNET_ARCHITECTURES: Readonly<Record<ResNetArchName, ResNetArchitecture>> = {
  resnet18: { block: 'basic', layers: [2, 2, 2, 2] },
  resnet34: { block: 'basic', layers: [3, 4, 6, 3] },
  resnet50: { block: 'bottleneck', layers: [3, 4, 6, 3] },
  resnet101: { block: 'bottleneck', layers: [3, 4, 23, 3] },
  resnet152: { block: 'bottleneck', layers: [3, 8, 36, 3] },
};

/** Output channels of a block relative to its `planes` (torchvision's `expansion`). */
export function blockExpansion(block: ResNetBlock): number {
  return block === 'basic' ? 1 : 4;
}

/** Channel width (`planes`) of `layer1`…`layer4`. */
export const STAGE_PLANES = [64, 128, 256, 512] as const;

/** Output side of a conv or pool with symmetric padding, as torch computes it (floor mode). */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}
