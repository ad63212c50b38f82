import { ClsError, type DataConfig, type JsonSchema } from '@nextplay/cls-core';
import { RESIZE_MODES, type ResizeMode } from './decodeImage.js';

/** Keys the ImageFolder-based dataset plugins add to the `data` node. */
export interface ImageFolderPluginOptions {
  readonly resize?: ResizeMode;
  /** `auto`: keep decoded images in memory when the resized splits fit in about 2 GB. */
  readonly cache?: 'auto' | boolean;
  /** Batches prepared ahead of the one being consumed. */
  readonly prefetch_batches?: number;
}

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
  };
}
