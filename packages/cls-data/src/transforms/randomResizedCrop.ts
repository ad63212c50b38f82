import { definePlugin, type ImageTransform, type TransformContext } from '@nextplay/cls-core';
import { resampleBox, type CropBox, type ResizeInterpolation } from './resample.js';
import { antialiasSchema, readResizeSampling, resizeInterpolationSchema } from './resizeOptions.js';
import {
  randomInt,
  rangeSchema,
  readRange,
  readSize,
  roundHalfEven,
  sizeSchema,
  uniform,
  type Range,
  type Size,
} from './transformOptions.js';

export interface RandomResizedCropOptions {
  /** Output `s` or `[h, w]`; null: data.image_size. */
  readonly size?: Size | null;
  /** Area of the crop as a fraction of the image, `[min, max]`. */
  readonly scale?: Range;
  /** Width / height of the crop, `[min, max]`. */
  readonly ratio?: Range;
  readonly interpolation?: ResizeInterpolation;
  /** Only true (the default) for bilinear and bicubic; nearest ignores it. */
  readonly antialias?: boolean;
}

/**
 * torchvision's RandomResizedCrop: a random area and aspect ratio of the image as it comes (the source
 * resolution, not a thumbnail), resized to `size` in one pass: nearest, or bilinear (the default) or bicubic,
 * antialiased unless `antialias: false`.
 */
export function createRandomResizedCrop(
  options: Readonly<RandomResizedCropOptions>,
  context: TransformContext = { imageSize: [224, 224] },
): ImageTransform {
  const [outHeight, outWidth] = readSize('random_resized_crop.size', options.size, context.imageSize);
  const scale = readRange('random_resized_crop.scale', options.scale, [0.08, 1], Number.MIN_VALUE, 1);
  const ratio = readRange(
    'random_resized_crop.ratio',
    options.ratio,
    [3 / 4, 4 / 3],
    Number.MIN_VALUE,
    Infinity,
  );
  const { interpolation, antialias } = readResizeSampling(
    'random_resized_crop',
    options.interpolation,
    options.antialias,
  );
  return {
    name: 'random_resized_crop',
    // A crop of a fraction `scale[0]` of the area spans about sqrt(scale[0]) of each side.
    detail: Math.max(outHeight, outWidth) / Math.max(...context.imageSize) / Math.sqrt(scale[0]),
    apply(image, random) {
      const box = randomCropBox(image.width, image.height, scale, ratio, random);
      return resampleBox(image, box, outWidth, outHeight, interpolation, antialias);
    },
  };
}

/** torchvision's `RandomResizedCrop.get_params`: ten tries at a random box, then a centre crop of clamped ratio. */
export function randomCropBox(
  width: number,
  height: number,
  scale: Range,
  ratio: Range,
  random: () => number,
): CropBox {
  const area = width * height;
  const logRatio: Range = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * uniform(random, scale);
    const aspect = Math.exp(uniform(random, logRatio));
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const y = randomInt(random, 0, height - h + 1);
      const x = randomInt(random, 0, width - w + 1);
      return { x, y, width: w, height: h };
    }
  }
  const inputRatio = width / height;
  let w = width;
  let h = height;
  if (inputRatio < ratio[0]) h = roundHalfEven(w / ratio[0]);
  else if (inputRatio > ratio[1]) w = roundHalfEven(h * ratio[1]);
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), width: w, height: h };
}

export const randomResizedCropTransform = definePlugin<'transform', RandomResizedCropOptions>({
  kind: 'transform',
  name: 'random_resized_crop',
  package: '@nextplay/cls-data',
  description: 'Crop a random area (scale) and aspect ratio (ratio) of the source image, resized to size.',
  optionsSchema: {
    type: 'object',
    properties: {
      size: sizeSchema('Output size: s, [height, width], or null for data.image_size.'),
      scale: rangeSchema([0.08, 1], 'Crop area as a fraction of the image, [min, max].'),
      ratio: rangeSchema([3 / 4, 4 / 3], 'Crop aspect ratio (width / height), [min, max].'),
      interpolation: resizeInterpolationSchema,
      antialias: antialiasSchema,
    },
    additionalProperties: false,
  },
  create: (options, context) => createRandomResizedCrop(options, context),
});
