import {
  definePlugin,
  imageSizeSetting,
  type ImageTransform,
  type TransformContext,
} from '@nextplay/cls-core';
import { resampleBox, resizedSize, type ResizeInterpolation } from './resample.js';
import { antialiasSchema, readResizeSampling, resizeInterpolationSchema } from './resizeOptions.js';
import { invalid, sizeSchema, type Size } from './transformOptions.js';

export interface ResizeOptions {
  /** `s`: the short side becomes s (aspect kept); `[h, w]`: exactly; null: data.image_size (`s` on the short side, `[h, w]` exactly). */
  readonly size?: Size | null;
  readonly interpolation?: ResizeInterpolation;
  /** Only true (the default) for bilinear and bicubic; nearest ignores it. */
  readonly antialias?: boolean;
  /** With `s`: the longer side is at most this (the shorter then below s); null: no cap. */
  readonly max_size?: number | null;
}

/** torchvision's Resize: nearest, or bilinear or bicubic filtering (antialiased unless `antialias: false`). */
export function createResize(
  options: Readonly<ResizeOptions>,
  context: TransformContext = { imageSize: [224, 224] },
): ImageTransform {
  const size = options.size ?? imageSizeSetting(context.imageSize);
  const positive = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (!(positive(size) || (Array.isArray(size) && size.length === 2 && size.every(positive)))) {
    throw invalid('resize.size', size, 'an integer >= 1, [height, width] or null (data.image_size)');
  }
  const { interpolation, antialias } = readResizeSampling('resize', options.interpolation, options.antialias);
  const maxSize = readMaxSize(options.max_size, size);
  const largest = typeof size === 'number' ? size : Math.max(size[0], size[1]);
  return {
    name: 'resize',
    detail: largest / Math.max(...context.imageSize),
    apply(image) {
      const [height, width] = resizedSize(image.width, image.height, size, maxSize);
      if (width === image.width && height === image.height) return image;
      const whole = { x: 0, y: 0, width: image.width, height: image.height };
      return resampleBox(image, whole, width, height, interpolation, antialias);
    },
  };
}

/** `max_size` as torchvision takes it: only with a short-side `size`, and above it. */
function readMaxSize(value: unknown, size: Size): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1)) {
    throw invalid('resize.max_size', value, 'an integer >= 1 or null');
  }
  if (typeof size !== 'number') {
    throw invalid('resize.max_size', value, `null when size is [height, width] (${JSON.stringify(size)})`);
  }
  if (value <= size) throw invalid('resize.max_size', value, `greater than size (${size})`);
  return value;
}

export const resizeTransform = definePlugin<'transform', ResizeOptions>({
  kind: 'transform',
  name: 'resize',
  package: '@nextplay/cls-data',
  description:
    'Resize: s scales the short side to s (longer side capped at max_size), [height, width] sets both.',
  optionsSchema: {
    type: 'object',
    properties: {
      size: sizeSchema('s for the short side, [height, width], or null for data.image_size (s: short side).'),
      interpolation: resizeInterpolationSchema,
      antialias: antialiasSchema,
      max_size: {
        anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }],
        default: null,
        description:
          'With size s: the longer side is at most max_size (the shorter then below s); null for no cap.',
      },
    },
    additionalProperties: false,
  },
  create: (options, context) => createResize(options, context),
});
