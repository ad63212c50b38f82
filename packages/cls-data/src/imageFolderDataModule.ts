import { relative, sep } from 'node:path';
import {
  ClsError,
  escapeTerminalText,
  type DataModule,
  type DatasetContext,
  type Logger,
  type SkippedImage,
} from '@nextplay/cls-core';
import { checkImages, unreadableImageError, type CheckedSplit } from './checkImages.js';
import { CacheBudget } from './cacheBudget.js';
import { ConcurrencyLimiter } from './concurrencyLimiter.js';
import { decodeForPipeline } from './decodeForPipeline.js';
import {
  resolveImageFolderSettings,
  type ImageFolderOptions,
  type ImageFolderSettings,
} from './imageFolderOptions.js';
import { ImageFolderSplit } from './imageFolderSplit.js';
import { createPipelineTransforms, decodeSide } from './pipelineTransforms.js';
import { scanImageFolder, type ImageFolderScan, type ScannedSplit } from './scanImageFolder.js';
import { mixSynthetic } from './mixSynthetic.js';
import { startTransformWorkers } from './startTransformWorkers.js';

export interface ImageFolderDataModule extends DataModule {
  readonly root: string;
  readonly scan: ImageFolderScan;
  readonly train: ImageFolderSplit;
  readonly val: ImageFolderSplit | undefined;
  readonly test: ImageFolderSplit | undefined;
  readonly skippedImages: readonly SkippedImage[];
  /** Stops the transform worker threads (idle ones never keep the process alive, so this is optional). */
  close(): Promise<void>;
}

/** Skipped images named one by one in the log, per split; the rest are counted (all are in the CSV). */
const SKIPPED_WARNINGS_PER_SPLIT = 20;
/** Splits this large say that they are being read before training starts. */
const ANNOUNCED_SPLIT_IMAGES = 2000;

/** Builds the data module of an ImageFolder root from the `data` config node. */
export async function createImageFolderDataModule(
  options: Readonly<ImageFolderOptions>,
  context: DatasetContext,
): Promise<ImageFolderDataModule> {
  const settings = resolveImageFolderSettings(options);
  const scan = await scanImageFolder(settings.root, {
    ...(context.classes === undefined ? {} : { classes: context.classes }),
    ...(context.unseenClasses === true ? { unseenClasses: true } : {}),
  });
  for (const warning of scan.warnings) context.logger.warn(warning);

  const transforms = await createPipelineTransforms(context, settings.imageSize);
  const trainSide = decodeSide([...transforms.train, ...transforms.eval], settings.imageSize);
  const evalSide = decodeSide(transforms.eval, settings.imageSize);
  if (trainSide !== undefined) {
    context.logger.info(
      `transforms work from the source images${trainSide === Infinity ? '' : `, shrunk to at most ${trainSide} px on the short side`}`,
    );
  }

  const workers = startTransformWorkers(transforms, settings, context.logger);
  const decoder = new ConcurrencyLimiter(settings.numWorkers);
  const skippedImages: SkippedImage[] = [];
  const budget = settings.cache ? new CacheBudget(settings.cacheMaxBytes) : undefined;
  // Every image is decoded once here, before training: unreadable ones are left out (or stop the run) now,
  // from the files alone, and the decoded pixels fill the cache as far as data.cache_max_mb allows.
  const pipeline = {
    imageSize: settings.imageSize,
    resize: settings.resize,
    mean: settings.mean,
    std: settings.std,
    train: transforms.train,
    eval: transforms.eval,
    batch: transforms.batch,
    decoder,
    prefetchBatches: settings.numWorkers === 0 ? 0 : settings.prefetchBatches,
    sampler: settings.sampler,
    workers,
  };
  const build = async (split: ScannedSplit): Promise<ImageFolderSplit> => {
    const resolution = {
      imageSize: settings.imageSize,
      resize: settings.resize,
      decodeSide: split.name === 'train' ? trainSide : evalSide,
    };
    // A split the command does not read stays a list of files: nothing decoded, checked or cached.
    if (context.splits !== undefined && !context.splits.includes(split.name)) {
      return new ImageFolderSplit(split, { ...pipeline, ...resolution, cache: undefined });
    }
    if (split.images.length >= ANNOUNCED_SPLIT_IMAGES) {
      context.logger.info(
        `${split.name}: reading ${split.images.length.toLocaleString('en-US')} images before training`,
      );
    }
    const usedBefore = budget?.usedBytes ?? 0;
    const checked = await checkImages(split, {
      decode: (path) => decodeForPipeline(path, resolution),
      decoder,
      keep: budget === undefined ? undefined : (image) => budget.take(image.data.byteLength),
    });
    const skipped = reportUnreadable(checked, scan.root, settings, context.logger);
    skippedImages.push(...skipped);
    const kept = checked.split;
    const built = new ImageFolderSplit(kept, { ...pipeline, ...resolution, cache: budget }, checked.decoded);
    const size = kept.images.length;
    const seen = kept.classCounts.filter((count) => count > 0).length;
    const classes = seen === scan.classes.length ? `${seen}` : `${seen} of ${scan.classes.length}`;
    const cachedCount = built.cachedCount;
    const cachedBytes = (budget?.usedBytes ?? 0) - usedBefore;
    const cacheNote =
      budget === undefined
        ? ''
        : cachedCount === size
          ? ` (cached in memory, ${formatBytes(cachedBytes)})`
          : ` (${cachedCount.toLocaleString('en-US')} cached in memory, ${formatBytes(cachedBytes)}: data.cache_max_mb=${settings.cacheMaxBytes / 1024 ** 2} is reached, so the other ${(size - cachedCount).toLocaleString('en-US')} are decoded again each epoch)`;
    context.logger.info(
      `${split.name}: ${size.toLocaleString('en-US')} image${size === 1 ? '' : 's'} in ${classes} classes from ${split.dir}` +
        cacheNote +
        (skipped.length > 0 ? `, ${skipped.length} unreadable skipped` : ''),
    );
    return built;
  };

  const mixed =
    options.synthetic === undefined
      ? { split: scan.train }
      : await mixSynthetic(scan.train, scan.classes, options.synthetic, context.seed, context.logger);
  const train = await build(mixed.split);
  const val = scan.val && (await build(scan.val));
  const test = scan.test && (await build(scan.test));
  const unreadableClasses = scan.classes.filter(
    (_, label) => (scan.train.classCounts[label] ?? 0) > 0 && (train.classCounts[label] ?? 0) === 0,
  );
  if (unreadableClasses.length > 0) {
    context.logger.warn(
      `class${unreadableClasses.length > 1 ? 'es' : ''} ${unreadableClasses.map((name) => escapeTerminalText(name)).join(', ')} ha${unreadableClasses.length > 1 ? 've' : 's'} no readable training images`,
    );
  }
  return {
    root: scan.root,
    scan,
    classes: scan.classes,
    imageSize: settings.imageSize,
    channels: 3,
    train,
    val,
    test,
    skippedImages,
    close: async () => {
      await workers?.close();
    },
  };
}

/**
 * Applies `data.on_bad_image` and `data.max_bad_fraction` to the unreadable images of a split: stops the run,
 * or warns naming each (the first few) and returns them as skipped, paths relative to the root.
 */
function reportUnreadable(
  checked: CheckedSplit,
  root: string,
  settings: ImageFolderSettings,
  logger: Logger,
): SkippedImage[] {
  const { unreadable, split } = checked;
  const [first] = unreadable;
  if (first === undefined) return [];
  if (settings.onBadImage === 'fail') throw unreadableImageError(first);
  const skipped = unreadable.map((image) => ({
    split: split.name,
    path: relative(root, image.entry.path).split(sep).join('/'),
    reason: image.reason,
  }));
  for (const image of skipped.slice(0, SKIPPED_WARNINGS_PER_SPLIT)) {
    logger.warn(
      `skipped unreadable image ${escapeTerminalText(image.path)}: ${escapeTerminalText(image.reason)}`,
    );
  }
  if (skipped.length > SKIPPED_WARNINGS_PER_SPLIT) {
    logger.warn(
      `… and ${skipped.length - SKIPPED_WARNINGS_PER_SPLIT} more unreadable images in ${split.name} (all listed in skipped_images.csv)`,
    );
  }
  const total = split.images.length + unreadable.length;
  if (unreadable.length > settings.maxBadFraction * total) {
    throw new ClsError(
      'DATA_TOO_MANY_BAD_IMAGES',
      `${unreadable.length} of the ${total} images of ${split.name} (${percent(unreadable.length / total)}) cannot be read, more than data.max_bad_fraction=${settings.maxBadFraction}; the first: ${skipped[0]?.path ?? ''}: ${first.reason}`,
      {
        hint: 'fix or remove those files, or raise data.max_bad_fraction to train without them',
      },
    );
  }
  if (split.images.length === 0) {
    throw new ClsError('DATA_SPLIT_EMPTY', `${split.dir} has no readable images`);
  }
  return skipped;
}

function percent(fraction: number): string {
  const value = fraction * 100;
  return `${value >= 10 ? value.toFixed(0) : value.toPrecision(2)}%`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GB`
    : `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`;
}
