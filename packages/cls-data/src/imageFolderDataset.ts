import { definePlugin } from '@nextplay/cls-core';
import { createImageFolderDataModule } from './imageFolderDataModule.js';
import { imageFolderOptionsSchema, type ImageFolderOptions } from './imageFolderOptions.js';

export const imageFolderDataset = definePlugin<'dataset', ImageFolderOptions>({
  kind: 'dataset',
  name: 'imagefolder',
  package: '@nextplay/cls-data',
  description:
    'An ImageFolder root (Roboflow classification export): train/, valid/ or val/, test/ with one folder per class, or flat images with _classes.csv.',
  optionsSchema: imageFolderOptionsSchema,
  create: (options, context) => createImageFolderDataModule(options, context),
});
