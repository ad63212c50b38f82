import type { RawImage } from '@nextplay/cls-core';
import { resampleRgbSimd, type ResamplePlan, type ResampleTaps } from './resampleSimd.js';

/** An integer pixel box of an image. */
export interface CropBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** How `resampleBox` samples the source (torchvision's InterpolationMode for resize). */
export type ResizeInterpolation = 'nearest' | 'bilinear' | 'bicubic';

/** A separable resampling filter: its half-width in source pixels at scale 1, and its weight at distance x. */
interface Filter {
  readonly support: number;
  weight(x: number): number;
}

const TRIANGLE: Filter = { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) };

/** Keys' cubic convolution: a = -0.5 is PIL's BICUBIC and torch's antialiased bicubic, -0.75 torch's plain one. */
function cubic(a: number): Filter {
  return {
    support: 2,
    weight(x) {
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
      return 0;
    },
  };
}

const CUBIC = cubic(-0.5);
const PLAIN_CUBIC = cubic(-0.75);

/**
 * Antialiased filtering (the filter widened by the downscale factor), as PIL's resize and torchvision's
 * `resize(..., antialias=True)`: output pixel i of `outSize` centres at (i + 0.5) · inSize / outSize in the
 * `inSize` source pixels from `start`, which it never reads past.
 */
function coefficients(start: number, inSize: number, outSize: number, filter: Filter): ResampleTaps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * taps);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const min = Math.max(Math.floor(centre - support + 0.5), 0);
    const max = Math.min(Math.floor(centre + support + 0.5), inSize);
    let total = 0;
    for (let j = 0; j < max - min; j++) {
      const w = filter.weight((j + min - centre + 0.5) / filterScale);
      weights[i * taps + j] = w;
      total += w;
    }
    for (let j = 0; j < max - min; j++) weights[i * taps + j] = (weights[i * taps + j] ?? 0) / total;
    first[i] = start + min;
    count[i] = max - min;
  }
  return { first, count, weights, taps };
}

/**
 * Plain interpolation, as torch's `interpolate(..., antialias=False)`: output pixel i samples the `inSize` source
 * pixels from `start` at (i + 0.5) · inSize / outSize − 0.5 (bilinear clamps it at 0) from its 2 (bilinear) or 4
 * (bicubic, a = −0.75) nearest pixels, an index past either end reading the border pixel.
 */
function interpolationTaps(
  start: number,
  inSize: number,
  outSize: number,
  interpolation: 'bilinear' | 'bicubic',
): ResampleTaps {
  const scale = inSize / outSize;
  const taps = interpolation === 'bicubic' ? 4 : 2;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * taps);
  const inside = (index: number) => Math.min(Math.max(index, 0), inSize - 1);
  for (let i = 0; i < outSize; i++) {
    const real = scale * (i + 0.5) - 0.5;
    const at = interpolation === 'bicubic' ? real : Math.max(real, 0);
    const t = at - Math.floor(at);
    const base = Math.floor(at) - (taps / 2 - 1);
    const low = inside(base);
    first[i] = start + low;
    count[i] = inside(base + taps - 1) - low + 1;
    for (let k = 0; k < taps; k++) {
      const w = interpolation === 'bicubic' ? PLAIN_CUBIC.weight(t + 1 - k) : k === 0 ? 1 - t : t;
      const slot = i * taps + inside(base + k) - low;
      weights[slot] = (weights[slot] ?? 0) + w;
    }
  }
  return { first, count, weights, taps };
}

/**
 * torch's `interpolate(mode='nearest')`, what torchvision's resize uses for NEAREST on tensors: output pixel i
 * reads source floor(i · inSize / outSize), the scale in float32 (the exact 1× and 2× cases as torch special-cases
 * them).
 */
function nearestIndex(i: number, inSize: number, outSize: number): number {
  if (outSize === inSize) return i;
  if (outSize === 2 * inSize) return i >> 1;
  const scale = Math.fround(inSize / outSize);
  return Math.min(Math.floor(Math.fround(i * scale)), inSize - 1);
}

/** `box` of `image` resized to `outWidth`×`outHeight` by nearest sampling (torchvision's NEAREST on a tensor). */
function resampleNearest(image: RawImage, box: CropBox, outWidth: number, outHeight: number): RawImage {
  const { data, width, channels } = image;
  const out = new Uint8Array(outWidth * outHeight * channels);
  const columns = Int32Array.from(
    { length: outWidth },
    (_, x) => box.x + nearestIndex(x, box.width, outWidth),
  );
  for (let y = 0, target = 0; y < outHeight; y++) {
    const row = (box.y + nearestIndex(y, box.height, outHeight)) * width;
    for (let x = 0; x < outWidth; x++, target += channels) {
      const source = (row + (columns[x] ?? 0)) * channels;
      out.set(data.subarray(source, source + channels), target);
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels };
}

/**
 * Resizes `box` of `image` to `outWidth`×`outHeight` (torchvision's `resized_crop` / `resize` on a tensor): nearest
 * sampling, or bilinear or bicubic filtering (antialiased unless `antialias` is false), a horizontal pass into
 * floats, then a vertical one, rounded once. RGB images take the WebAssembly SIMD passes; others (and RGB too
 * large for them) these.
 */
export function resampleBox(
  image: RawImage,
  box: CropBox,
  outWidth: number,
  outHeight: number,
  interpolation: ResizeInterpolation = 'bilinear',
  antialias = true,
): RawImage {
  if (interpolation === 'nearest') return resampleNearest(image, box, outWidth, outHeight);
  const filter = interpolation === 'bicubic' ? CUBIC : TRIANGLE;
  const taps = (start: number, inSize: number, outSize: number) =>
    antialias
      ? coefficients(start, inSize, outSize, filter)
      : interpolationTaps(start, inSize, outSize, interpolation);
  const h = taps(box.x, box.width, outWidth);
  const v = taps(box.y, box.height, outHeight);
  const plan: ResamplePlan = {
    // Only the source rows the vertical pass reads.
    rowStart: v.first[0] ?? box.y,
    rowEnd: (v.first[outHeight - 1] ?? box.y) + (v.count[outHeight - 1] ?? 1),
    h,
    v,
    outWidth,
    outHeight,
  };
  const simd = image.channels === 3 ? resampleRgbSimd(image, plan) : undefined;
  return simd ?? resampleInScript(image, plan);
}

/** `resampleBox`'s passes for any channel count: the vertical one tap by tap over whole rows. */
function resampleInScript(image: RawImage, plan: ResamplePlan): RawImage {
  const { rowStart, rowEnd, h, v, outWidth, outHeight } = plan;
  const { data, width, channels } = image;
  const rowLength = outWidth * channels;
  const rows = new Float32Array((rowEnd - rowStart) * rowLength);
  for (let y = rowStart; y < rowEnd; y++) {
    const source = y * width * channels;
    const target = (y - rowStart) * rowLength;
    for (let ox = 0; ox < outWidth; ox++) {
      const base = ox * h.taps;
      const count = h.count[ox] ?? 0;
      const at = source + (h.first[ox] ?? 0) * channels;
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = 0; k < count; k++)
          sum += (data[at + k * channels + c] ?? 0) * (h.weights[base + k] ?? 0);
        rows[target + ox * channels + c] = sum;
      }
    }
  }
  const out = new Uint8Array(outHeight * rowLength);
  const sums = new Float64Array(rowLength);
  for (let oy = 0; oy < outHeight; oy++) {
    const base = oy * v.taps;
    const count = v.count[oy] ?? 0;
    let from = ((v.first[oy] ?? 0) - rowStart) * rowLength;
    const w0 = v.weights[base] ?? 0;
    for (let i = 0; i < rowLength; i++) sums[i] = (rows[from + i] ?? 0) * w0;
    for (let k = 1; k < count; k++) {
      from += rowLength;
      const w = v.weights[base + k] ?? 0;
      for (let i = 0; i < rowLength; i++) sums[i] = (sums[i] ?? 0) + (rows[from + i] ?? 0) * w;
    }
    const target = oy * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const sum = sums[i] ?? 0;
      out[target + i] = sum <= 0 ? 0 : sum >= 255 ? 255 : Math.round(sum);
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels };
}

/**
 * torchvision's `resize` output `[height, width]` for `size`: `[h, w]` as is; `s` scales the short side to s (long
 * side floored), and then, when the long side passes `maxSize`, the long side to maxSize (short side floored).
 */
export function resizedSize(
  width: number,
  height: number,
  size: number | readonly [number, number],
  maxSize?: number,
): [number, number] {
  if (typeof size !== 'number') return [size[0], size[1]];
  const [short, long] = width <= height ? [width, height] : [height, width];
  let newShort = size;
  let newLong = Math.floor((size * long) / short);
  if (maxSize !== undefined && newLong > maxSize) {
    newShort = Math.floor((maxSize * newShort) / newLong);
    newLong = maxSize;
  }
  return width <= height ? [newLong, newShort] : [newShort, newLong];
}
