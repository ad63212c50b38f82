import type { AnyPluginDefinition } from '@nextplay/cls-core';
import { imageFolderDataset } from './imageFolderDataset.js';
import { mnistDataset } from './mnist/mnistDataset.js';
import { IMAGE_TRANSFORM_PLUGINS, buildableInWorkers } from './builtinImageTransforms.js';
import { cutmixTransform, mixupTransform } from './transforms/mixup.js';

/** Every plugin of this package: the datasets and the augmentations. */
export const dataPlugins: readonly AnyPluginDefinition[] = [
  imageFolderDataset,
  mnistDataset,
  ...IMAGE_TRANSFORM_PLUGINS.map(buildableInWorkers),
  mixupTransform,
  cutmixTransform,
];
