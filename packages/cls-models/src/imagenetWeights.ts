import type { ResNetArchName } from './resnetArchitectures.js';

/**
 * torchvision's ImageNet weights (`IMAGENET1K_V1`, the ones `pretrained=True` gave). The part of each file name
 * after the dash is the start of the file's SHA-256, which torch.hub checks and so do we.
 */
export const IMAGENET_WEIGHT_URLS: Readonly<Record<ResNetArchName, string>> = {
  resnet18: 'https://download.pytorch.org/models/resnet18-f37072fd.pth',
  resnet34: 'https://download.pytorch.org/models/resnet34-b627a593.pth',
  resnet50: 'https://download.pytorch.org/models/resnet50-0676ba61.pth',
  resnet101: 'https://download.pytorch.org/models/resnet101-63fe2227.pth',
  resnet152: 'https://download.pytorch.org/models/resnet152-394f9c45.pth',
};

/** The SHA-256 prefix embedded in a torch.hub file name (`resnet18-f37072fd.pth` → `f37072fd`), if any. */
export function hashPrefixOf(fileName: string): string | undefined {
  return /-([0-9a-f]{6,64})\.[A-Za-z0-9]+$/.exec(fileName)?.[1];
}
