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
export { IMAGENET_WEIGHT_URLS, hashPrefixOf } from './imagenetWeights.js';
export { downloadWeights } from './downloadWeights.js';
export type { DownloadOptions } from './downloadWeights.js';
export { loadPretrainedWeights, readStateDictFile, resolvePretrainedFile } from './loadPretrainedWeights.js';
export type { PretrainedOptions } from './loadPretrainedWeights.js';
export { loadTorchvisionWeights } from './loadTorchvisionWeights.js';
export type { LoadTorchvisionWeightsOptions } from './loadTorchvisionWeights.js';
export { readSafetensors } from './readSafetensors.js';
export { isZip, readTorchCheckpoint } from './readTorchCheckpoint.js';
export type { ElementType, StateDict, StateTensor } from './stateDict.js';
export { unpickleTorch } from './torchPickle.js';
export type { TorchStorageRef, TorchTensorRef } from './torchPickle.js';
export { weightsCacheDir } from './weightsCacheDir.js';
export { foldForInference } from './foldForInference.js';
export { formatJerseyNumber, jerseyDigitSequence, parseJerseyNumber } from './heads/jerseyNumber.js';
export type { JerseyDigits } from './heads/jerseyNumber.js';
export { CTC_CLASSES, ctcLoss } from './heads/ctcLoss.js';
export { ctcGreedyDecode, readColumns } from './heads/ctcGreedyDecode.js';
export type { CtcReading } from './heads/ctcGreedyDecode.js';
export { TENS_CLASSES, UNITS_CLASSES, digitsLoss, tensClass } from './heads/digitsLoss.js';
export { decodeDigits } from './heads/decodeDigits.js';
export type { NumberReading } from './heads/decodeDigits.js';
export { jerseyMetrics } from './heads/jerseyMetrics.js';
export type { JerseyMetrics } from './heads/jerseyMetrics.js';
export { digitsHead } from './heads/digitsHead.js';
export { sequenceHead } from './heads/sequenceHead.js';
export { headPlugins, digitsHeadPlugin, sequenceHeadPlugin } from './heads/headPlugins.js';
export { jerseyClasses } from './heads/jerseyClasses.js';
export type { JerseyClasses } from './heads/jerseyClasses.js';
