import { ClsError, toImageSize, type DataConfig, type ImageSize, type JsonSchema } from '@nextplay/cls-core';
import { RESIZE_MODES, type ResizeMode } from './decodeImage.js';
import { SAMPLERS, type Sampler } from './epochOrder.js';
import type { SyntheticMixOptions } from './mixSynthetic.js';

/** Keys the ImageFolder-based dataset plugins add to the `data` node. */
export interface ImageFolderPluginOptions {
  readonly resize?: ResizeMode;
  /** `auto` or true: keep decoded images in memory, up to `cache_max_mb`; false: decode every time. */
  readonly cache?: 'auto' | boolean;
  /** The memory the decoded-image cache may take, in MB, all splits together (train first). */
  readonly cache_max_mb?: number;
  /** Batches prepared ahead of the one being consumed. */
  readonly prefetch_batches?: number;
  /** What an unreadable image does: `skip` leaves it out (listed in skipped_images.csv), `fail` stops the run. */
  readonly on_bad_image?: BadImagePolicy;
  /** The largest fraction of a split that may be skipped as unreadable before the run stops. */
  readonly max_bad_fraction?: number;
  /** How training epochs draw the train split: `random` (shuffled), `sequential`, `balanced` (by class). */
  readonly sampler?: Sampler;
  /** Synthetic images mixed into the train split (`data.synthetic.root` + `fraction` or `balance`). */
  readonly synthetic?: SyntheticMixOptions;
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
        'How images reach data.image_size: fill squashes (torchvision Resize((h, w))), center_crop scales to cover and crops, letterbox pads with black.',
    },
    cache: {
      enum: ['auto', true, false],
      default: 'auto',
      description:
        'Keep decoded images in memory across epochs (auto or true), up to cache_max_mb; images past the bound are decoded each time.',
    },
    cache_max_mb: {
      type: 'number',
      minimum: 0,
      default: 2048,
      description:
        'Memory the decoded-image cache may take, in MB, all splits together (train first); the rest are decoded again each epoch.',
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
    synthetic: {
      type: 'object',
      properties: {
        root: {
          type: ['string', 'null'],
          default: null,
          description:
            'ImageFolder of synthetic images (cls data synth) whose classes are named like the real ones.',
        },
        fraction: {
          type: ['number', 'null'],
          minimum: 0,
          exclusiveMaximum: 1,
          default: null,
          description:
            'Share of each training epoch that is synthetic: a fixed, seed-drawn subset spread evenly over the classes.',
        },
        balance: {
          type: 'boolean',
          default: false,
          description: 'Top every class up with synthetic images to the size of the largest real class.',
        },
      },
      additionalProperties: false,
      default: { root: null, fraction: null, balance: false },
      description:
        'Synthetic images mixed into the train split; the epoch order stays a function of seed and epoch.',
    },
  },
  additionalProperties: false,
};

/** `data.cache_max_mb` when a hand-built node lacks it. */
export const DEFAULT_CACHE_MAX_MB = 2048;

export interface ImageFolderSettings {
  readonly root: string;
  readonly imageSize: ImageSize;
  readonly numWorkers: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly resize: ResizeMode;
  readonly cache: boolean;
  readonly cacheMaxBytes: number;
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
  const cacheMaxMb = options.cache_max_mb ?? DEFAULT_CACHE_MAX_MB;
  if (typeof cacheMaxMb !== 'number' || !(cacheMaxMb >= 0)) {
    throw new ClsError(
      'CONFIG_INVALID',
      `data.cache_max_mb must be a number >= 0, got ${String(cacheMaxMb)}`,
    );
  }
  return {
    root,
    imageSize: toImageSize(options.image_size ?? 224),
    numWorkers: options.num_workers ?? 4,
    mean: options.mean ?? IMAGENET_MEAN,
    std: options.std ?? IMAGENET_STD,
    resize,
    cache: options.cache !== false,
    cacheMaxBytes: cacheMaxMb * 1024 ** 2,
    prefetchBatches: options.prefetch_batches ?? 2,
    onBadImage,
    maxBadFraction,
    sampler,
  };
}
