export { dataPlugins } from './dataPlugins.js';
export { imageFolderDataset } from './imageFolderDataset.js';
export { createImageFolderDataModule } from './imageFolderDataModule.js';
export type { ImageFolderDataModule } from './imageFolderDataModule.js';
export {
  DEFAULT_CACHE_MAX_MB,
  imageFolderOptionsSchema,
  resolveImageFolderSettings,
} from './imageFolderOptions.js';
export type {
  ImageFolderOptions,
  ImageFolderPluginOptions,
  ImageFolderSettings,
} from './imageFolderOptions.js';
export { ImageFolderSplit } from './imageFolderSplit.js';
export type { ImagePipelineSettings } from './imageFolderSplit.js';
export { CLASSES_CSV, SPLIT_FOLDER_NAMES, scanImageFolder } from './scanImageFolder.js';
export type { ImageEntry, ImageFolderScan, ScannedSplit, SplitLayout } from './scanImageFolder.js';
export { IMAGE_EXTENSIONS, isImageFileName } from './imageFiles.js';
export { sortClassNames } from './sortClassNames.js';
export { SAMPLERS, epochDraws } from './epochOrder.js';
export type { Sampler } from './epochOrder.js';
export { RESIZE_MODES, decodeImage, decodeImagePixels } from './decodeImage.js';
export type { ResizeMode } from './decodeImage.js';
export { decodeBmp } from './decodeBmp.js';
export { decodeNetpbm } from './decodeNetpbm.js';
export { decodePngAtSize } from './decodePng.js';
export { createPixelNormalizer } from '@nextplay/cls-core';
export { ConcurrencyLimiter } from './concurrencyLimiter.js';
export { mnistDataset, ensureMnistImageFolder } from './mnist/mnistDataset.js';
export { MNIST_MARKER, prepareMnist, readMnistMarker } from './mnist/prepareMnist.js';
export type { MnistCounts, PrepareMnistOptions } from './mnist/prepareMnist.js';
export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdxImages, readIdxLabels } from './mnist/idx.js';
export type { IdxImages } from './mnist/idx.js';
export { mnistFiles } from './mnist/mnistFiles.js';
export type { MnistFiles } from './mnist/mnistFiles.js';
export { encodePng } from './mnist/encodePng.js';
export {
  createRandomResizedCrop,
  randomCropBox,
  randomResizedCropTransform,
} from './transforms/randomResizedCrop.js';
export type { RandomResizedCropOptions } from './transforms/randomResizedCrop.js';
export { resampleBox, resizedSize } from './transforms/resample.js';
export type { CropBox, ResizeInterpolation } from './transforms/resample.js';
export type { Fill } from './transforms/fill.js';
export { TransformOptionError } from './transforms/transformOptionError.js';
export { fitToSize } from './fitToSize.js';
export { createHorizontalFlip, horizontalFlipTransform } from './transforms/horizontalFlip.js';
export type { HorizontalFlipOptions } from './transforms/horizontalFlip.js';
export { createRandomRotation, randomRotationTransform } from './transforms/randomRotation.js';
export type { RandomRotationOptions } from './transforms/randomRotation.js';
export { colorJitterTransform, createColorJitter } from './transforms/colorJitter.js';
export type { ColorJitterOptions } from './transforms/colorJitter.js';
export { createRandomErasing, randomErasingTransform } from './transforms/randomErasing.js';
export type { RandomErasingOptions } from './transforms/randomErasing.js';
export {
  inverseAffineMatrix,
  perspectiveCoefficients,
  affine,
  rotate,
  perspective,
  warp,
  affineOutputSize,
} from './transforms/warp.js';
export type { AffineParams, Interpolation, RotateOptions } from './transforms/warp.js';
export { centerCrop, crop, erase, horizontalFlip, pad, paddingSides } from './transforms/geometry.js';
export type { PaddingMode } from './transforms/geometry.js';
export {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  adjustSharpness,
  autocontrast,
  equalize,
  grayscale,
  invert,
  posterize,
  solarize,
} from './transforms/colorOps.js';
export { gaussianBlur, gaussianKernel } from './transforms/gaussianBlurOp.js';
export { createResize, resizeTransform } from './transforms/resize.js';
export type { ResizeOptions } from './transforms/resize.js';
export { centerCropTransform, createCenterCrop } from './transforms/centerCrop.js';
export type { CenterCropOptions } from './transforms/centerCrop.js';
export { createRandomCrop, randomCropTransform } from './transforms/randomCrop.js';
export type { RandomCropOptions } from './transforms/randomCrop.js';
export { createRandomAffine, randomAffineTransform, sampleAffine } from './transforms/randomAffine.js';
export type { AffineSampler, RandomAffineOptions } from './transforms/randomAffine.js';
export {
  createRandomPerspective,
  randomPerspectiveTransform,
  samplePerspective,
} from './transforms/randomPerspective.js';
export type { RandomPerspectiveOptions } from './transforms/randomPerspective.js';
export { createRandomGrayscale, randomGrayscaleTransform } from './transforms/randomGrayscale.js';
export type { RandomGrayscaleOptions } from './transforms/randomGrayscale.js';
export { createGaussianBlur, gaussianBlurTransform } from './transforms/gaussianBlur.js';
export type { GaussianBlurOptions } from './transforms/gaussianBlur.js';
export {
  applyAugmentOp,
  autoAugmentSpace,
  linspace,
  posterizeBits,
  randAugmentSpace,
  trivialAugmentSpace,
} from './transforms/augmentOps.js';
export type { AugmentOp, AugmentationSpace, OpMagnitudes } from './transforms/augmentOps.js';
export { createRandAugment, randAugmentTransform } from './transforms/randAugment.js';
export type { RandAugmentOptions } from './transforms/randAugment.js';
export { createTrivialAugmentWide, trivialAugmentWideTransform } from './transforms/trivialAugmentWide.js';
export type { TrivialAugmentWideOptions } from './transforms/trivialAugmentWide.js';
export { IMAGENET_POLICY, autoAugmentTransform, createAutoAugment } from './transforms/autoAugment.js';
export type { AutoAugmentOptions, PolicyStep } from './transforms/autoAugment.js';
export { createMixup, cutmixBox, cutmixTransform, mixupTransform, sampleBeta } from './transforms/mixup.js';
export type { MixupOptions } from './transforms/mixup.js';
