import { definePlugin, type ImageTransform, type TransformContext } from '@nextplay/cls-core';
import { crop, pad, paddingSides, type PaddingMode } from './geometry.js';
import { fillSchema, readFill, type Fill } from './fill.js';
import { invalid, randomInt, readSize, sizeSchema, type Size } from './transformOptions.js';

export interface RandomCropOptions {
  readonly size?: Size | null;
  /** `p`, `[left/right, top/bottom]` or `[left, top, right, bottom]`; null: none. */
  readonly padding?: number | readonly number[] | null;
  readonly pad_if_needed?: boolean;
  readonly fill?: Fill;
  readonly padding_mode?: PaddingMode;
}

const PADDING_MODES: readonly PaddingMode[] = ['constant', 'edge', 'reflect', 'symmetric'];

/** torchvision's RandomCrop: optional padding, then a `size` crop at a uniformly random position. */
export function createRandomCrop(
  options: Readonly<RandomCropOptions>,
  context: TransformContext = { imageSize: [224, 224] },
): ImageTransform {
  const [height, width] = readSize('random_crop.size', options.size, context.imageSize);
  const padding = options.padding ?? null;
  if (padding !== null && !(typeof padding === 'number' || [1, 2, 4].includes(padding.length))) {
    throw invalid(
      'random_crop.padding',
      padding,
      'p, [left/right, top/bottom] or [left, top, right, bottom]',
    );
  }
  const fill = readFill('random_crop.fill', options.fill ?? 0);
  const mode = options.padding_mode ?? 'constant';
  if (!PADDING_MODES.includes(mode))
    throw invalid('random_crop.padding_mode', mode, PADDING_MODES.join(' | '));
  const padIfNeeded = options.pad_if_needed ?? false;
  return {
    name: 'random_crop',
    detail: Infinity,
    apply(image, random) {
      let source = padding === null ? image : pad(image, paddingSides(padding), fill, mode);
      if (padIfNeeded && source.width < width) {
        const dx = width - source.width;
        source = pad(source, [dx, 0, dx, 0], fill, mode);
      }
      if (padIfNeeded && source.height < height) {
        const dy = height - source.height;
        source = pad(source, [0, dy, 0, dy], fill, mode);
      }
      if (source.width < width || source.height < height) {
        throw invalid(
          'random_crop.size',
          [height, width],
          `at most the padded image (${source.height}×${source.width}); set pad_if_needed: true`,
        );
      }
      const top = randomInt(random, 0, source.height - height + 1);
      const left = randomInt(random, 0, source.width - width + 1);
      return crop(source, top, left, height, width);
    },
  };
}

export const randomCropTransform = definePlugin<'transform', RandomCropOptions>({
  kind: 'transform',
  name: 'random_crop',
  package: '@nextplay/cls-data',
  description: 'Pad (optional), then crop size at a random position.',
  optionsSchema: {
    type: 'object',
    properties: {
      size: sizeSchema('s, [height, width], or null for data.image_size.'),
      padding: {
        anyOf: [
          { type: 'integer', minimum: 0 },
          { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, maxItems: 4 },
          { type: 'null' },
        ],
        default: null,
        description:
          'p, [left/right, top/bottom] or [left, top, right, bottom] pixels added first; null for none.',
      },
      pad_if_needed: { type: 'boolean', default: false, description: 'Pad an image smaller than size.' },
      fill: fillSchema,
      padding_mode: { enum: PADDING_MODES, default: 'constant', description: 'How padding is filled.' },
    },
    additionalProperties: false,
  },
  create: (options, context) => createRandomCrop(options, context),
});
