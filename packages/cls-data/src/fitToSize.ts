import type { RawImage } from '@nextplay/cls-core';
import type { ResizeMode } from './decodeImage.js';
import { resampleBox, resizedSize } from './transforms/resample.js';

/**
 * Brings what the transforms left to `size`×`size` as `data.resize` says (`fill` squashes, `center_crop` scales
 * the short side and crops the centre, `letterbox` fits inside and pads with black), antialiased bilinear.
 * An image already that size is returned as is.
 */
export function fitToSize(image: RawImage, size: number, mode: ResizeMode): RawImage {
  const { width, height, channels } = image;
  if (width === size && height === size) return image;
  const whole = { x: 0, y: 0, width, height };
  if (mode === 'fill') return resampleBox(image, whole, size, size);
  if (mode === 'center_crop') {
    const [h, w] = resizedSize(width, height, size);
    // The box of the source that maps onto the centre square, so one resampling pass suffices.
    const boxWidth = Math.min(width, Math.round((size * width) / w));
    const boxHeight = Math.min(height, Math.round((size * height) / h));
    const box = {
      x: Math.floor((width - boxWidth) / 2),
      y: Math.floor((height - boxHeight) / 2),
      width: boxWidth,
      height: boxHeight,
    };
    return resampleBox(image, box, size, size);
  }
  const scale = Math.min(size / width, size / height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const inner = resampleBox(image, whole, w, h);
  const data = new Uint8Array(size * size * channels);
  const left = Math.floor((size - w) / 2);
  const top = Math.floor((size - h) / 2);
  for (let y = 0; y < h; y++) {
    data.set(
      inner.data.subarray(y * w * channels, (y + 1) * w * channels),
      ((top + y) * size + left) * channels,
    );
  }
  return { data, width: size, height: size, channels };
}
