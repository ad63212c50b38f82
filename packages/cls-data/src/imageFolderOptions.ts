import { ClsError, type DataConfig, type JsonSchema } from '@nextplay/cls-core';
import { RESIZE_MODES, type ResizeMode } from './decodeImage.js';
import { SAMPLERS, type Sampler } from './epochOrder.js';

/** Keys the ImageFolder-based dataset plugins add to the `data` node. */
export interface ImageFolderPluginOptions {
  readonly resize?: ResizeMode;
  /** `auto`: keep decoded images in memory when the resized splits fit in about 2 GB. */
  readonly cache?: 'auto' | boolean;
  /** Batches prepared ahead of the one being consumed. */
  readonly prefetch_batches?: number;
  /** What an unreadable image does: `skip` leaves it out (listed in skipped_images.csv), `fail` stops the run. */
  readonly on_bad_image?: BadImagePolicy;
  /** The largest fraction of a split that may be skipped as unreadable before the run stops. */
  readonly max_bad_fraction?: number;
  /** How training epochs draw the train split: `random` (shuffled), `sequential`, `balanced` (by class). */
  readonly sampler?: Sampler;
}

export type BadImagePolicy = 'skip' | 'fail';

export const BAD_IMAGE_POLICIES: readonly BadImagePolicy[] = ['skip', 'fail'];

/** The whole `data` node a dataset plugin is created from (base keys filled by the config package). */
export type ImageFolderOptions = Partial<DataConfig> & ImageFolderPluginOptions;

export const imageFolderOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    resize: {
      enum: RESIZE_MODES,
      default: 'fill',
      description:
        'How images reach image_size×image_size: fill squashes (torchvision Resize((s, s))), center_crop scales the short side and crops, letterbox pads with black.',
    },
    cache: {
      enum: ['auto', true, false],
      default: 'auto',
      description:
        'Keep decoded, resized images in memory across epochs; auto = when the splits fit in about 2 GB.',
    },
    prefetch_batches: {
      type: 'integer',
      minimum: 0,
      default: 2,
      description: 'Batches prepared ahead of the one being trained on.',
    },
    on_bad_image: {
      enum: BAD_IMAGE_POLICIES,
      default: 'skip',
      description:
        'An image that cannot be read (empty, truncated, not an image, past the pixel limit): skip = leave it out with a warning and list it in skipped_images.csv of the run, fail = stop before training.',
    },
    max_bad_fraction: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.01,
      description:
        'Stop before training when more than this fraction of a split is unreadable (skipped with on_bad_image=skip).',
    },
    sampler: {
      enum: SAMPLERS,
      default: 'random',
      description:
        'How a training epoch draws the train split: random = shuffled (torch RandomSampler), sequential = in order, balanced = with replacement, each class equally often (WeightedRandomSampler with 1/class count); the epoch length stays the split size.',
    },
  },
  additionalProperties: false,
};

/** Decoded-image memory the `auto` cache may use, shared by the splits (train first). */
export const CACHE_BUDGET_BYTES = 2 * 1024 ** 3;

export interface ImageFolderSettings {
  readonly root: string;
  readonly imageSize: number;
  readonly numWorkers: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly augment: Readonly<Record<string, Readonly<Record<string, unknown>> | null>>;
  readonly resize: ResizeMode;
  readonly cache: 'auto' | boolean;
  readonly prefetchBatches: number;
  readonly onBadImage: BadImagePolicy;
  readonly maxBadFraction: number;
  readonly sampler: Sampler;
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/** Fills what a hand-built node may lack with the shipped defaults and checks what `root` must be. */
export function resolveImageFolderSettings(options: Readonly<ImageFolderOptions>): ImageFolderSettings {
  const root = options.root ?? null;
  if (root === null || root === '') {
    throw new ClsError('DATA_ROOT_MISSING', 'data.root is required: pass data.root=/path/to/dataset');
  }
  const resize = options.resize ?? 'fill';
  if (!RESIZE_MODES.includes(resize)) {
    throw new ClsError(
      'CONFIG_INVALID',
      `data.resize must be one of ${RESIZE_MODES.join(', ')}, got "${resize}"`,
    );
  }
  const onBadImage = options.on_bad_image ?? 'skip';
  if (!BAD_IMAGE_POLICIES.includes(onBadImage)) {
    throw new ClsError(
      'CONFIG_INVALID',
      `data.on_bad_image must be one of ${BAD_IMAGE_POLICIES.join(', ')}, got "${onBadImage}"`,
    );
  }
  const sampler = options.sampler ?? 'random';
  if (!SAMPLERS.includes(sampler)) {
    throw new ClsError(
      'CONFIG_INVALID',
      `data.sampler must be one of ${SAMPLERS.join(', ')}, got "${sampler}"`,
    );
  }
  const maxBadFraction = options.max_bad_fraction ?? 0.01;
  if (typeof maxBadFraction !== 'number' || !(maxBadFraction >= 0 && maxBadFraction <= 1)) {
    throw new ClsError(
      'CONFIG_INVALID',
      `data.max_bad_fraction must be a number from 0 to 1, got ${String(maxBadFraction)}`,
    );
  }
  return {
    root,
    imageSize: options.image_size ?? 224,
    numWorkers: options.num_workers ?? 4,
    mean: options.mean ?? IMAGENET_MEAN,
    std: options.std ?? IMAGENET_STD,
    augment: options.augment ?? {},
    resize,
    cache: options.cache ?? 'auto',
    prefetchBatches: options.prefetch_batches ?? 2,
    onBadImage,
    maxBadFraction,
    sampler,
  };
}
