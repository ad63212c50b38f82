import type { DataConfig, TransformsConfig } from './configSchema.js';
import type { ImageSize } from './imageSize.js';
import type { Logger } from './logger.js';

export type SplitName = 'train' | 'val' | 'test';

/** One decoded image, 8-bit, interleaved (HWC). */
export interface RawImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/** A batch ready for the model: normalized float32 NHWC pixels and integer class labels. */
export interface Batch {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  /** [batch, height, width, channels] */
  readonly shape: readonly [number, number, number, number];
  /**
   * Soft targets, [batch, classes] row-major, each row summing to 1 (mixup, cutmix): when present, the loss is
   * cross-entropy against them instead of the one-hot `labels` (which keep each image's own class).
   */
  readonly targets?: Float32Array;
}

export interface BatchOptions {
  readonly batchSize: number;
  readonly shuffle: boolean;
  /** Seeds the order and the augmentations; the same seed and epoch give the same batches. */
  readonly seed: number;
  readonly epoch: number;
  readonly augment: boolean;
  /** Stop after this many batches. */
  readonly limitBatches?: number;
  /**
   * Skip the first `startBatch` batches of the (shuffled) order without loading them: resuming mid-epoch yields
   * exactly the batches, augmentations included, that the uninterrupted epoch would have. Default 0.
   */
  readonly startBatch?: number;
  readonly dropLast?: boolean;
}

/** One sample of a split read from a file: its path and its class index (into `DataModule.classes`). */
export interface LabeledFile {
  readonly path: string;
  readonly label: number;
}

/** What a split holds, without loading it: what callbacks see of it (`TrainerContext.data`). */
export interface DataSplitInfo {
  readonly name: SplitName;
  readonly size: number;
  /** Per-class image counts, indexed like `DataModule.classes`. */
  readonly classCounts: readonly number[];
  /**
   * Every sample's file and label, in the split's unshuffled order: the order `batches({ shuffle: false })`
   * yields them, and so the order of `TrainerContext.validationPredictions`. Absent for a split held in memory.
   */
  readonly files?: readonly LabeledFile[];
}

export interface DataSplit extends DataSplitInfo {
  /** Yields batches; the next batch is prepared while the caller works on the current one. */
  batches(options: BatchOptions): AsyncIterable<Batch>;
  /**
   * Sample `index` (in the unshuffled order) decoded and resized as evaluation sees it (not augmented, not
   * normalized), for callbacks that show or re-run images. Absent for a split that holds no images.
   */
  loadImage?(index: number): Promise<RawImage>;
}

/** What a data module holds, without loading it: class names and each split's size, counts and files. */
export interface DataModuleInfo {
  readonly classes: readonly string[];
  /** `[height, width]` of the images the splits yield (`data.image_size`). */
  readonly imageSize: ImageSize;
  readonly channels: number;
  readonly train: DataSplitInfo;
  readonly val: DataSplitInfo | undefined;
  readonly test: DataSplitInfo | undefined;
}

export interface DataModule extends DataModuleInfo {
  readonly train: DataSplit;
  readonly val: DataSplit | undefined;
  readonly test: DataSplit | undefined;
  /**
   * Files of the dataset left out because they could not be read (`data.on_bad_image=skip`), decided before
   * training from the files alone. The trainer writes them to `<run dir>/skipped_images.csv`. Absent when the
   * data module does not read files.
   */
  readonly skippedImages?: readonly SkippedImage[];
}

/** A file left out of a split because it could not be read. */
export interface SkippedImage {
  readonly split: SplitName;
  /** Relative to the dataset root (`data.root`), with `/` between folders. */
  readonly path: string;
  /** Why, on one line: the decoder's message (`empty file`, `truncated …`, `unsupported image format`, …). */
  readonly reason: string;
}

/** The file in the run directory that lists `DataModule.skippedImages`. */
export const SKIPPED_IMAGES_CSV = 'skipped_images.csv';

/**
 * `split,path,reason` and one row per skipped file, as RFC 4180 CSV (LF line ends; fields with `,` `"` or line
 * breaks quoted). A field a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return) is quoted with a `'` in front, as OWASP recommends against CSV injection.
 */
export function skippedImagesCsv(images: readonly SkippedImage[]): string {
  const rows = [
    ['split', 'path', 'reason'],
    ...images.map((image) => [image.split, image.path, image.reason]),
  ];
  return rows.map((cells) => cells.map(csvField).join(',')).join('\n') + '\n';
}

function csvField(text: string): string {
  const quoted = (field: string) => `"${field.replaceAll('"', '""')}"`;
  if (/^[=+\-@\t\r]/.test(text)) return quoted(`'${text}`);
  return /[",\r\n]/.test(text) ? quoted(text) : text;
}

export interface DatasetContext {
  readonly logger: Logger;
  readonly seed: number;
  /**
   * The splits the command will read (`cls test`: only `test`); the others are listed but not read, checked or
   * cached. Absent: all of them.
   */
  readonly splits?: readonly SplitName[];
  /**
   * The index→class map to label with, a checkpoint's (`cls test`): the dataset matches its classes to it by
   * name instead of deriving the classes from the folders, and fails on a class outside it. Absent: its own.
   */
  readonly classes?: { readonly names: readonly string[]; readonly source: string };
  /**
   * Val and test may hold classes that train lacks, for a head that reads classes without training images
   * (`model.head=digits`): the classes are then those of every split. Absent or false: train's classes.
   */
  readonly unseenClasses?: boolean;
  /**
   * A mirrored image is no longer of its class (a mirrored 23 is no 23; `ModelHead.mirrorChangesClass`): the
   * dataset leaves out the steps that mirror (`ImageTransform.mirrors`), saying so in the log.
   */
  readonly noMirroring?: boolean;
  /** The `transforms` node of the run (`transforms=<name>`): the steps the dataset builds with `createTransform`. */
  readonly transforms?: TransformsConfig;
  /** The registry, so a dataset can build the transforms named in `transforms`. */
  readonly createTransform: (
    name: string,
    options: Readonly<Record<string, unknown>>,
    context: TransformContext,
  ) => Promise<Transform>;
}

export type DatasetOptions = DataConfig;

/**
 * A step of `transforms.train` or `transforms.eval`: applied to a decoded 8-bit image before normalization. It may
 * change the size (crops, resizes); what the last step leaves is brought to `image_size` by `data.resize`.
 */
export interface ImageTransform {
  readonly name: string;
  /**
   * The input short side this transform can turn into detail, as a multiple of `TransformContext.imageSize`: a
   * crop of at least a quarter of the area resized to image_size uses 2. The pipeline decodes (and caches) images
   * at least this large when the source is. Default 1.
   */
  readonly detail?: number;
  /** The step may mirror the image left to right (a horizontal flip): left out where that changes the class. */
  readonly mirrors?: boolean;
  apply(image: RawImage, random: () => number): RawImage | Promise<RawImage>;
}

/** A step of `transforms.batch`: mixes a normalized training batch and gives it soft `targets` (mixup, cutmix). */
export interface BatchTransform {
  readonly name: string;
  applyBatch(batch: Batch, numClasses: number, random: () => number): Batch;
}

/** What a `transform` plugin produces: a per-image step or a batch-level one. */
export type Transform = ImageTransform | BatchTransform;

export interface TransformContext {
  /** `data.image_size` as `[height, width]`: what a crop or resize produces when its `size` is not set. */
  readonly imageSize: ImageSize;
}
