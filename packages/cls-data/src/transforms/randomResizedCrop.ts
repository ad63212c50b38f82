import { definePlugin, type ImageTransform, type RawImage } from '@nextplay/cls-core';
import { sampleBilinear } from './bilinear.js';
import { rangeSchema, readRange, uniform, type Range } from './transformOptions.js';

export interface RandomResizedCropOptions {
  /** Area of the crop as a fraction of the image, `[min, max]`. */
  readonly scale?: Range;
  /** Width / height of the crop, `[min, max]`. */
  readonly ratio?: Range;
}

export interface CropBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Crops a random area and aspect ratio and scales it back to the image's size, bilinear (torchvision's
 * RandomResizedCrop with the output size equal to the input's).
 */
export function createRandomResizedCrop(options: Readonly<RandomResizedCropOptions>): ImageTransform {
  const scale = readRange('random_resized_crop.scale', options.scale, [0.08, 1], Number.MIN_VALUE, 1);
  const ratio = readRange(
    'random_resized_crop.ratio',
    options.ratio,
    [3 / 4, 4 / 3],
    Number.MIN_VALUE,
    Infinity,
  );
  return {
    name: 'random_resized_crop',
    apply(image, random) {
      const box = randomCropBox(image.width, image.height, scale, ratio, random);
      return resizeCrop(image, box);
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
    const w = Math.round(Math.sqrt(targetArea * aspect));
    const h = Math.round(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const y = Math.floor(random() * (height - h + 1));
      const x = Math.floor(random() * (width - w + 1));
      return { x, y, width: w, height: h };
    }
  }
  const inputRatio = width / height;
  let w = width;
  let h = height;
  if (inputRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inputRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), width: w, height: h };
}

/** Scales the `box` of `image` to the image's full size, bilinear with half-pixel centres, edges clamped to the box. */
export function resizeCrop(image: RawImage, box: CropBox): RawImage {
  const { width, height, channels } = image;
  const out = new Uint8Array(image.data.length);
  const sx = box.width / width;
  const sy = box.height / height;
  for (let oy = 0; oy < height; oy++) {
    const y = box.y + Math.min(box.height - 1, Math.max(0, (oy + 0.5) * sy - 0.5));
    for (let ox = 0; ox < width; ox++) {
      const x = box.x + Math.min(box.width - 1, Math.max(0, (ox + 0.5) * sx - 0.5));
      sampleBilinear(image, x, y, 'edge', out, (oy * width + ox) * channels);
    }
  }
  return { data: out, width, height, channels };
}

export const randomResizedCropTransform = definePlugin<'transform', RandomResizedCropOptions>({
  kind: 'transform',
  name: 'random_resized_crop',
  package: '@nextplay/cls-data',
  description: 'Crop a random area (scale) and aspect ratio (ratio), then resize back to image_size.',
  optionsSchema: {
    type: 'object',
    properties: {
      scale: rangeSchema([0.08, 1], 'Crop area as a fraction of the image, [min, max].'),
      ratio: rangeSchema([3 / 4, 4 / 3], 'Crop aspect ratio (width / height), [min, max].'),
    },
    additionalProperties: false,
  },
  create: (options) => createRandomResizedCrop(options),
});
