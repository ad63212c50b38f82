import type { RawImage } from '@nextplay/cls-core';

/*
 * torchvision's colour ops on uint8 RGB tensors, with their arithmetic: blends are computed in float and truncated
 * to 8 bits (`_blend`), grey levels are 0.2989 R + 0.587 G + 0.114 B truncated. Each returns a new image.
 */

const clampTrunc = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v));

function withData(image: RawImage, data: Uint8Array): RawImage {
  return { data, width: image.width, height: image.height, channels: image.channels };
}

/** `w · v` for every byte value v: the products of the grey-level weights, looked up instead of multiplied. */
function products(w: number): Float64Array {
  const table = new Float64Array(256);
  for (let v = 0; v < 256; v++) table[v] = w * v;
  return table;
}

const RED = products(0.2989);
const GREEN = products(0.587);
const BLUE = products(0.114);

/** Grey level of each pixel, truncated to 8 bits (`rgb_to_grayscale`). */
function greyLevels(data: Uint8Array): Uint8Array {
  const grey = new Uint8Array(data.length / 3);
  for (let p = 0, k = 0; p < grey.length; p++, k += 3) {
    grey[p] = Math.trunc(
      (RED[data[k] ?? 0] ?? 0) + (GREEN[data[k + 1] ?? 0] ?? 0) + (BLUE[data[k + 2] ?? 0] ?? 0),
    );
  }
  return grey;
}

/** `rgb_to_grayscale(img, num_output_channels=3)`. */
export function grayscale(image: RawImage): RawImage {
  const grey = greyLevels(image.data);
  const out = new Uint8Array(image.data.length);
  for (let p = 0; p < grey.length; p++) out.fill(grey[p] ?? 0, p * 3, p * 3 + 3);
  return withData(image, out);
}

/** Maps every value through `table` (a function of the byte alone), in place. */
function mapBytes(data: Uint8Array, table: Uint8Array): void {
  for (let k = 0; k < data.length; k++) data[k] = table[data[k] ?? 0] ?? 0;
}

/** The table of `v ↦ clampTrunc(factor · v + offset)`. */
function blendTable(factor: number, offset: number): Uint8Array {
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++) table[v] = clampTrunc(factor * v + offset);
  return table;
}

/** `adjust_brightness` on RGB bytes, in place. */
export function brightnessInPlace(data: Uint8Array, factor: number): void {
  mapBytes(data, blendTable(factor, 0));
}

/** `adjust_contrast` on RGB bytes, in place: blends with the mean grey level of the whole image. */
export function contrastInPlace(data: Uint8Array, factor: number): void {
  let sum = 0;
  for (let k = 0; k < data.length; k += 3) {
    sum += Math.trunc(
      (RED[data[k] ?? 0] ?? 0) + (GREEN[data[k + 1] ?? 0] ?? 0) + (BLUE[data[k + 2] ?? 0] ?? 0),
    );
  }
  const mean = sum / (data.length / 3);
  mapBytes(data, blendTable(factor, (1 - factor) * mean));
}

/** `adjust_saturation` on RGB bytes, in place: blends each pixel with its own grey level. */
export function saturationInPlace(data: Uint8Array, factor: number): void {
  const scaled = products(factor);
  const keep = 1 - factor;
  for (let k = 0; k < data.length; k += 3) {
    const r = data[k] ?? 0;
    const g = data[k + 1] ?? 0;
    const b = data[k + 2] ?? 0;
    const grey = keep * Math.trunc((RED[r] ?? 0) + (GREEN[g] ?? 0) + (BLUE[b] ?? 0));
    data[k] = clampTrunc((scaled[r] ?? 0) + grey);
    data[k + 1] = clampTrunc((scaled[g] ?? 0) + grey);
    data[k + 2] = clampTrunc((scaled[b] ?? 0) + grey);
  }
}

export function adjustBrightness(image: RawImage, factor: number): RawImage {
  const out = image.data.slice();
  brightnessInPlace(out, factor);
  return withData(image, out);
}

/** Blends with the mean grey level of the whole image. */
export function adjustContrast(image: RawImage, factor: number): RawImage {
  const out = image.data.slice();
  contrastInPlace(out, factor);
  return withData(image, out);
}

/** Blends each pixel with its own grey level. */
export function adjustSaturation(image: RawImage, factor: number): RawImage {
  const out = image.data.slice();
  saturationInPlace(out, factor);
  return withData(image, out);
}

/** Turns the hue by `shift` (a fraction of the colour wheel, −0.5 to 0.5) through HSV, as `_rgb2hsv`/`_hsv2rgb`. */
export function adjustHue(image: RawImage, shift: number): RawImage {
  const { data } = image;
  const out = new Uint8Array(data.length);
  const toByte = (v: number) => Math.trunc(v * (256 - 1e-3));
  for (let k = 0; k < data.length; k += 3) {
    const r = (data[k] ?? 0) / 255;
    const g = (data[k + 1] ?? 0) / 255;
    const b = (data[k + 2] ?? 0) / 255;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const cr = max - min;
    const s = cr / (cr === 0 ? 1 : max);
    const div = cr === 0 ? 1 : cr;
    const rc = (max - r) / div;
    const gc = (max - g) / div;
    const bc = (max - b) / div;
    let h = max === r ? bc - gc : max === g ? 2 + rc - bc : 4 + gc - rc;
    h = (h / 6 + 1) % 1;
    h = (((h + shift) % 1) + 1) % 1;
    const i = Math.floor(h * 6);
    const f = h * 6 - i;
    const p = Math.min(1, Math.max(0, max * (1 - s)));
    const q = Math.min(1, Math.max(0, max * (1 - s * f)));
    const t = Math.min(1, Math.max(0, max * (1 - s * (1 - f))));
    const sector = i % 6;
    const [ro, go, bo] =
      sector === 0
        ? [max, t, p]
        : sector === 1
          ? [q, max, p]
          : sector === 2
            ? [p, max, t]
            : sector === 3
              ? [p, q, max]
              : sector === 4
                ? [t, p, max]
                : [max, p, q];
    out[k] = toByte(ro);
    out[k + 1] = toByte(go);
    out[k + 2] = toByte(bo);
  }
  return withData(image, out);
}

/** Blends with a 3×3 smoothed copy (centre weight 5, borders kept), as `adjust_sharpness`. */
export function adjustSharpness(image: RawImage, factor: number): RawImage {
  const { data, width, height, channels } = image;
  if (width <= 2 || height <= 2) return image;
  const blurred = data.slice();
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const v = data[((y + dy) * width + x + dx) * channels + c] ?? 0;
            sum += dx === 0 && dy === 0 ? 5 * v : v;
          }
        }
        blurred[(y * width + x) * channels + c] = Math.round(sum / 13);
      }
    }
  }
  const out = new Uint8Array(data.length);
  for (let k = 0; k < data.length; k++) {
    out[k] = clampTrunc(factor * (data[k] ?? 0) + (1 - factor) * (blurred[k] ?? 0));
  }
  return withData(image, out);
}

/** Keeps the top `bits` bits of each value. */
export function posterize(image: RawImage, bits: number): RawImage {
  const mask = (0xff << (8 - bits)) & 0xff;
  return withData(
    image,
    image.data.map((v) => v & mask),
  );
}

/** Inverts the values at or above `threshold`. */
export function solarize(image: RawImage, threshold: number): RawImage {
  return withData(
    image,
    image.data.map((v) => (v >= threshold ? 255 - v : v)),
  );
}

export function invert(image: RawImage): RawImage {
  return withData(
    image,
    image.data.map((v) => 255 - v),
  );
}

/** Stretches each channel to 0–255 from its own minimum and maximum. */
export function autocontrast(image: RawImage): RawImage {
  const { data, channels } = image;
  const out = new Uint8Array(data.length);
  for (let c = 0; c < channels; c++) {
    let min = 255;
    let max = 0;
    for (let k = c; k < data.length; k += channels) {
      const v = data[k] ?? 0;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const flat = max === min;
    const scale = flat ? 1 : 255 / (max - min);
    const low = flat ? 0 : min;
    for (let k = c; k < data.length; k += channels) out[k] = clampTrunc(((data[k] ?? 0) - low) * scale);
  }
  return withData(image, out);
}

/** Equalizes each channel's histogram (torchvision's `_scale_channel` lookup table). */
export function equalize(image: RawImage): RawImage {
  const { data, channels } = image;
  const out = new Uint8Array(data.length);
  for (let c = 0; c < channels; c++) {
    const hist = new Float64Array(256);
    for (let k = c; k < data.length; k += channels) hist[data[k] ?? 0] = (hist[data[k] ?? 0] ?? 0) + 1;
    const nonzero = [...hist].filter((count) => count !== 0);
    const step = Math.floor(nonzero.slice(0, -1).reduce((sum, count) => sum + count, 0) / 255);
    if (step === 0) {
      for (let k = c; k < data.length; k += channels) out[k] = data[k] ?? 0;
      continue;
    }
    const lut = new Uint8Array(256);
    let cumulative = 0;
    for (let v = 0; v < 256; v++) {
      // The table is shifted by one: level v maps from the counts below it.
      lut[v] = Math.min(255, Math.max(0, Math.floor((cumulative + Math.floor(step / 2)) / step)));
      cumulative += hist[v] ?? 0;
    }
    for (let k = c; k < data.length; k += channels) out[k] = lut[data[k] ?? 0] ?? 0;
  }
  return withData(image, out);
}
