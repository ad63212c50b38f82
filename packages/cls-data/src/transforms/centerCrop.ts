import { definePlugin, type ImageTransform, type TransformContext } from '@nextplay/cls-core';
import { centerCrop } from './geometry.js';
import { readSize, sizeSchema, type Size } from './transformOptions.js';

export interface CenterCropOptions {
  readonly size?: Size | null;
}

/** torchvision's CenterCrop: the central `size`, zero-padded where the image is smaller. */
export function createCenterCrop(
  options: Readonly<CenterCropOptions>,
  context: TransformContext = { imageSize: [224, 224] },
): ImageTransform {
  const [height, width] = readSize('center_crop.size', options.size, context.imageSize);
  return {
    name: 'center_crop',
    // A crop of fixed pixels: it needs the image at the resolution the steps before it leave.
    detail: Infinity,
    apply: (image) => centerCrop(image, height, width),
  };
}

export const centerCropTransform = definePlugin<'transform', CenterCropOptions>({
  kind: 'transform',
  name: 'center_crop',
  package: '@nextplay/cls-data',
  description: 'Crop the centre to size (zero-padded where the image is smaller).',
  optionsSchema: {
    type: 'object',
    properties: { size: sizeSchema('s, [height, width], or null for data.image_size.') },
    additionalProperties: false,
  },
  create: (options, context) => createCenterCrop(options, context),
});
