import {
  definePlugin,
  imageSizeSetting,
  type ImageTransform,
  type TransformContext,
} from '@nextplay/cls-core';
import { resampleBox, resizedSize } from './resample.js';
import { invalid, sizeSchema, type Size } from './transformOptions.js';

export interface ResizeOptions {
  /** `s`: the short side becomes s (aspect kept); `[h, w]`: exactly; null: data.image_size (`s` on the short side, `[h, w]` exactly). */
  readonly size?: Size | null;
}

/** torchvision's Resize with antialiased bilinear filtering. */
export function createResize(
  options: Readonly<ResizeOptions>,
  context: TransformContext = { imageSize: [224, 224] },
): ImageTransform {
  const size = options.size ?? imageSizeSetting(context.imageSize);
  const positive = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (!(positive(size) || (Array.isArray(size) && size.length === 2 && size.every(positive)))) {
    throw invalid('resize.size', size, 'an integer >= 1, [height, width] or null (data.image_size)');
  }
  const largest = typeof size === 'number' ? size : Math.max(size[0], size[1]);
  return {
    name: 'resize',
    detail: largest / Math.max(...context.imageSize),
    apply(image) {
      const [height, width] = resizedSize(image.width, image.height, size);
      const whole = { x: 0, y: 0, width: image.width, height: image.height };
      return resampleBox(image, whole, width, height);
    },
  };
}

export const resizeTransform = definePlugin<'transform', ResizeOptions>({
  kind: 'transform',
  name: 'resize',
  package: '@nextplay/cls-data',
  description: 'Resize (antialiased bilinear): s scales the short side to s, [height, width] sets both.',
  optionsSchema: {
    type: 'object',
    properties: {
      size: sizeSchema('s for the short side, [height, width], or null for data.image_size (s: short side).'),
    },
    additionalProperties: false,
  },
  create: (options, context) => createResize(options, context),
});
