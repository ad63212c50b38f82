import type { RawImage } from '@nextplay/cls-core';
import { fillPerChannel, type Fill } from './fill.js';
import { roundHalfEven } from './transformOptions.js';

export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** `[left, top, right, bottom]` from torchvision's padding forms: `p`, `[left/right, top/bottom]`, or all four. */
export function paddingSides(padding: number | readonly number[]): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  const [a = 0, b = a, c = a, d = b] = padding;
  return padding.length === 4 ? [a, b, c, d] : padding.length === 2 ? [a, b, a, b] : [a, a, a, a];
}

/** Index `i` of a row of `n` pixels read past its ends as torchvision's padding modes do. */
function sourceIndex(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  if (mode === 'edge') return i < 0 ? 0 : n - 1;
  if (mode === 'reflect') {
    const period = 2 * (n - 1);
    if (period === 0) return 0;
    const k = ((i % period) + period) % period;
    return k < n ? k : period - k;
  }
  // symmetric: the edge pixel repeats
  const period = 2 * n;
  const k = ((i % period) + period) % period;
  return k < n ? k : period - 1 - k;
}

/** torchvision's `F.pad` (constant `fill`, one level or one per channel; edge, reflect or symmetric). */
export function pad(
  image: RawImage,
  [left, top, right, bottom]: readonly [number, number, number, number],
  fill: Fill,
  mode: PaddingMode,
): RawImage {
  const { data, width, height, channels } = image;
  const w = width + left + right;
  const h = height + top + bottom;
  const out = new Uint8Array(w * h * channels);
  if (mode === 'constant') fillPixels(out, 0, w * h, fillPerChannel(fill, channels));
  for (let y = 0; y < h; y++) {
    const inside = y - top >= 0 && y - top < height;
    if (mode === 'constant' && !inside) continue;
    const sy = sourceIndex(y - top, height, mode);
    for (let x = 0; x < w; x++) {
      const insideX = x - left >= 0 && x - left < width;
      if (mode === 'constant' && !insideX) continue;
      const sx = sourceIndex(x - left, width, mode);
      const source = (sy * width + sx) * channels;
      out.set(data.subarray(source, source + channels), (y * w + x) * channels);
    }
  }
  return { data: out, width: w, height: h, channels };
}

/** `height`×`width` from (`top`, `left`); the box must lie inside the image. */
export function crop(image: RawImage, top: number, left: number, height: number, width: number): RawImage {
  const { data, channels } = image;
  const out = new Uint8Array(width * height * channels);
  const row = width * channels;
  for (let y = 0; y < height; y++) {
    const source = ((top + y) * image.width + left) * channels;
    out.set(data.subarray(source, source + row), y * row);
  }
  return { data: out, width, height, channels };
}

/** torchvision's `F.center_crop`: pads with zeros first when the crop is larger than the image. */
export function centerCrop(image: RawImage, height: number, width: number): RawImage {
  let source = image;
  if (width > image.width || height > image.height) {
    const dx = Math.max(0, width - image.width);
    const dy = Math.max(0, height - image.height);
    source = pad(image, [dx >> 1, dy >> 1, (dx + 1) >> 1, (dy + 1) >> 1], 0, 'constant');
    if (source.width === width && source.height === height) return source;
  }
  const top = roundHalfEven((source.height - height) / 2);
  const left = roundHalfEven((source.width - width) / 2);
  return crop(source, top, left, height, width);
}

/** Mirrors left–right. */
export function horizontalFlip(image: RawImage): RawImage {
  const { data, width, height, channels } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * channels;
      out.set(data.subarray(from, from + channels), (y * width + (width - 1 - x)) * channels);
    }
  }
  return { data: out, width, height, channels };
}

/**
 * Writes `value` (one level, one per channel, or a draw per value) into the `height`×`width` box at (`top`, `left`)
 * of a copy (torchvision's `F.erase`).
 */
export function erase(
  image: RawImage,
  top: number,
  left: number,
  height: number,
  width: number,
  value: Fill | (() => number),
): RawImage {
  const { channels } = image;
  const data = image.data.slice();
  const draw = typeof value === 'function' ? value : undefined;
  const levels = typeof value === 'function' ? [] : fillPerChannel(value, channels);
  for (let y = top; y < top + height; y++) {
    const first = y * image.width + left;
    if (draw === undefined) fillPixels(data, first, width, levels);
    else for (let k = first * channels; k < (first + width) * channels; k++) data[k] = draw();
  }
  return { data, width: image.width, height: image.height, channels };
}

/** Sets `count` pixels from pixel `first` of `data` to `levels`, one per channel. */
function fillPixels(data: Uint8Array, first: number, count: number, levels: readonly number[]): void {
  const channels = levels.length;
  if (levels.every((level) => level === levels[0])) {
    data.fill(levels[0] ?? 0, first * channels, (first + count) * channels);
    return;
  }
  for (let k = first * channels; k < (first + count) * channels; k += channels) data.set(levels, k);
}
