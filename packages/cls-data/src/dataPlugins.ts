import type { AnyPluginDefinition } from '@nextplay/cls-core';
import { imageFolderDataset } from './imageFolderDataset.js';
import { mnistDataset } from './mnist/mnistDataset.js';
import { colorJitterTransform } from './transforms/colorJitter.js';
import { horizontalFlipTransform } from './transforms/horizontalFlip.js';
import { randomErasingTransform } from './transforms/randomErasing.js';
import { randomResizedCropTransform } from './transforms/randomResizedCrop.js';
import { randomRotationTransform } from './transforms/randomRotation.js';
import { resizeTransform } from './transforms/resize.js';
import { centerCropTransform } from './transforms/centerCrop.js';
import { randomCropTransform } from './transforms/randomCrop.js';
import { randomAffineTransform } from './transforms/randomAffine.js';
import { randomPerspectiveTransform } from './transforms/randomPerspective.js';
import { randomGrayscaleTransform } from './transforms/randomGrayscale.js';
import { gaussianBlurTransform } from './transforms/gaussianBlur.js';
import { randAugmentTransform } from './transforms/randAugment.js';
import { trivialAugmentWideTransform } from './transforms/trivialAugmentWide.js';
import { autoAugmentTransform } from './transforms/autoAugment.js';
import { cutmixTransform, mixupTransform } from './transforms/mixup.js';

/** Every plugin of this package: the datasets and the augmentations. */
export const dataPlugins: readonly AnyPluginDefinition[] = [
  imageFolderDataset,
  mnistDataset,
  randomResizedCropTransform,
  horizontalFlipTransform,
  randomRotationTransform,
  colorJitterTransform,
  randomErasingTransform,
  resizeTransform,
  centerCropTransform,
  randomCropTransform,
  randomAffineTransform,
  randomPerspectiveTransform,
  randomGrayscaleTransform,
  gaussianBlurTransform,
  randAugmentTransform,
  trivialAugmentWideTransform,
  autoAugmentTransform,
  mixupTransform,
  cutmixTransform,
];
