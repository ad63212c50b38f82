import type { ImageSize, RawImage } from '@nextplay/cls-core';
import type { ResizeMode } from './decodeImage.js';
import { resampleBox } from './transforms/resample.js';

/**
 * Brings what the transforms left to `[height, width]` as `data.resize` says (`fill` squashes, `center_crop` scales
 * the image to cover the target and crops the centre, `letterbox` fits inside and pads with black), antialiased bilinear.
 * An image already that size is returned as is.
 */
export function fitToSize(image: RawImage, size: ImageSize, mode: ResizeMode): RawImage {
  const { width, height, channels } = image;
  const [outHeight, outWidth] = size;
  if (width === outWidth && height === outHeight) return image;
  const whole = { x: 0, y: 0, width, height };
  if (mode === 'fill') return resampleBox(image, whole, outWidth, outHeight);
  if (mode === 'center_crop') {
    // The size that covers the target (the short side, for a square one), then the box of the source that maps
    // onto the centre of it, so one resampling pass suffices.
    const [h, w] =
      outWidth * height >= outHeight * width
        ? [Math.floor((outWidth * height) / width), outWidth]
        : [outHeight, Math.floor((outHeight * width) / height)];
    const boxWidth = Math.min(width, Math.round((outWidth * width) / w));
    const boxHeight = Math.min(height, Math.round((outHeight * height) / h));
    const box = {
      x: Math.floor((width - boxWidth) / 2),
      y: Math.floor((height - boxHeight) / 2),
      width: boxWidth,
      height: boxHeight,
    };
    return resampleBox(image, box, outWidth, outHeight);
  }
  const scale = Math.min(outWidth / width, outHeight / height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const inner = resampleBox(image, whole, w, h);
  const data = new Uint8Array(outWidth * outHeight * channels);
  const left = Math.floor((outWidth - w) / 2);
  const top = Math.floor((outHeight - h) / 2);
  for (let y = 0; y < h; y++) {
    data.set(
      inner.data.subarray(y * w * channels, (y + 1) * w * channels),
      ((top + y) * outWidth + left) * channels,
    );
  }
  return { data, width: outWidth, height: outHeight, channels };
}
