export { buildResNet } from './buildResNet.js';
export type { ResNetSpec } from './buildResNet.js';
export { countParameters } from './countParameters.js';
export { RESNET_ARCHITECTURES, STAGE_PLANES, blockExpansion, convOutputSize } from './resnetArchitectures.js';
export type { ResNetArchName, ResNetArchitecture, ResNetBlock } from './resnetArchitectures.js';
export { resnetComplexity } from './resnetComplexity.js';
export type { ResNetComplexity } from './resnetComplexity.js';
export {
  PACKAGE_NAME,
  modelPlugins,
  resnet101Plugin,
  resnet152Plugin,
  resnet18Plugin,
  resnet34Plugin,
  resnet50Plugin,
  resnetOptionsSchema,
} from './resnetPlugins.js';
export type { ResNetModelOptions } from './resnetPlugins.js';
export { torchvisionPermutation, torchvisionStateDictKey } from './torchvisionStateDictKey.js';
