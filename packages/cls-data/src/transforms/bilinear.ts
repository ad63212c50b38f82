import type { RawImage } from '@nextplay/cls-core';

/** What a sample outside the image reads: a constant 0–255, or the nearest edge pixel. */
export type Fill = number | 'edge';

/**
 * Writes the bilinear interpolation of `image` at (`x`, `y`), rounded, into `out` at `offset`, one value per
 * channel. Coordinates are pixel indices (pixel (i, j) sits at x = i, y = j); neighbours outside read `fill`.
 */
export function sampleBilinear(
  image: RawImage,
  x: number,
  y: number,
  fill: Fill,
  out: Uint8Array,
  offset: number,
): void {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const w00 = (1 - fx) * (1 - fy);
  const w10 = fx * (1 - fy);
  const w01 = (1 - fx) * fy;
  const w11 = fx * fy;
  for (let c = 0; c < image.channels; c++) {
    const value =
      w00 * read(image, x0, y0, c, fill) +
      w10 * read(image, x0 + 1, y0, c, fill) +
      w01 * read(image, x0, y0 + 1, c, fill) +
      w11 * read(image, x0 + 1, y0 + 1, c, fill);
    out[offset + c] = Math.round(value);
  }
}

function read(image: RawImage, x: number, y: number, channel: number, fill: Fill): number {
  const { width, height } = image;
  if (x < 0 || y < 0 || x >= width || y >= height) {
    if (fill !== 'edge') return fill;
    x = Math.min(width - 1, Math.max(0, x));
    y = Math.min(height - 1, Math.max(0, y));
  }
  return image.data[(y * width + x) * image.channels + channel] ?? 0;
}
