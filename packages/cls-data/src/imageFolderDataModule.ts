import type { DataModule, DatasetContext, ImageTransform } from '@nextplay/cls-core';
import { ConcurrencyLimiter } from './concurrencyLimiter.js';
import {
  CACHE_BUDGET_BYTES,
  resolveImageFolderSettings,
  type ImageFolderOptions,
} from './imageFolderOptions.js';
import { ImageFolderSplit } from './imageFolderSplit.js';
import { scanImageFolder, type ImageFolderScan, type ScannedSplit } from './scanImageFolder.js';

export interface ImageFolderDataModule extends DataModule {
  readonly root: string;
  readonly scan: ImageFolderScan;
  readonly train: ImageFolderSplit;
  readonly val: ImageFolderSplit | undefined;
  readonly test: ImageFolderSplit | undefined;
}

/** Builds the data module of an ImageFolder root from the `data` config node. */
export async function createImageFolderDataModule(
  options: Readonly<ImageFolderOptions>,
  context: DatasetContext,
): Promise<ImageFolderDataModule> {
  const settings = resolveImageFolderSettings(options);
  const scan = await scanImageFolder(settings.root);
  for (const warning of scan.warnings) context.logger.warn(warning);

  const transforms: ImageTransform[] = [];
  for (const [name, transformOptions] of Object.entries(settings.augment)) {
    if (transformOptions !== null) transforms.push(await context.createTransform(name, transformOptions));
  }

  const decoder = new ConcurrencyLimiter(settings.numWorkers);
  const imageBytes = settings.imageSize * settings.imageSize * 3;
  let cacheBudget = CACHE_BUDGET_BYTES;
  const build = (split: ScannedSplit): ImageFolderSplit => {
    const bytes = split.images.length * imageBytes;
    const cache = settings.cache === 'auto' ? bytes <= cacheBudget : settings.cache;
    if (cache) cacheBudget -= bytes;
    const built = new ImageFolderSplit(split, {
      imageSize: settings.imageSize,
      resize: settings.resize,
      mean: settings.mean,
      std: settings.std,
      transforms,
      decoder,
      prefetchBatches: settings.numWorkers === 0 ? 0 : settings.prefetchBatches,
      cache,
    });
    const size = split.images.length;
    const seen = split.classCounts.filter((count) => count > 0).length;
    const classes = seen === scan.classes.length ? `${seen}` : `${seen} of ${scan.classes.length}`;
    context.logger.info(
      `${split.name}: ${size.toLocaleString('en-US')} image${size === 1 ? '' : 's'} in ${classes} classes from ${split.dir}` +
        (cache ? ` (cached in memory, ${formatBytes(bytes)})` : ''),
    );
    return built;
  };

  return {
    root: scan.root,
    scan,
    classes: scan.classes,
    imageSize: settings.imageSize,
    channels: 3,
    train: build(scan.train),
    val: scan.val && build(scan.val),
    test: scan.test && build(scan.test),
  };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GB`
    : `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`;
}
