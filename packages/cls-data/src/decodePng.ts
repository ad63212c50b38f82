import { inflateSync } from 'node:zlib';
import { ClsError, type RawImage } from '@nextplay/cls-core';
import { MAX_IMAGE_PIXELS } from './imageLimits.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Images whose scanlines take more bytes than this go to sharp, which decodes them row by row. */
const DIRECT_MAX_SCANLINE_BYTES = 16 * 1024 ** 2;

/**
 * Decodes a plain PNG to 8-bit RGB in JavaScript when it is already `size`×`size`: 8 bits per sample (or 1, 2,
 * 4 for grey and palette), not interlaced, no embedded colour profile. Returns undefined for anything else, which sharp then handles.
 * For small images such as MNIST's 28×28 digits this is over ten times faster than a sharp pipeline, whose
 * per-image set-up cost dominates at that size.
 *
 * Throws `DATA_IMAGE_UNREADABLE` when the header declares more than `MAX_IMAGE_PIXELS` pixels, or when the image
 * data inflates to more bytes than the header declares (a decompression bomb): the inflate stops there.
 */
export function decodePngAtSize(
  file: Uint8Array,
  targetHeight: number,
  targetWidth = targetHeight,
): RawImage | undefined {
  if (file.length < 33 || SIGNATURE.some((byte, i) => file[i] !== byte)) return undefined;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const [bitDepth, colourType, , , interlace] = file.subarray(24, 29);
  const channels = CHANNELS[colourType ?? -1];
  if (width !== targetWidth || height !== targetHeight || interlace !== 0 || channels === undefined)
    return undefined;
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ClsError(
      'DATA_IMAGE_UNREADABLE',
      `the PNG header declares ${width}×${height} pixels, more than the limit of ${MAX_IMAGE_PIXELS}`,
    );
  }
  // 8 bits per sample, or 1, 2 or 4 bits for grey and palette images.
  const packed = channels === 1 && (bitDepth === 1 || bitDepth === 2 || bitDepth === 4);
  if (bitDepth !== 8 && !packed) return undefined;
  const depth = bitDepth;
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  // Each scanline is a filter byte and its samples: all the image data may inflate to.
  const scanlineBytes = (rowBytes + 1) * height;
  if (scanlineBytes > DIRECT_MAX_SCANLINE_BYTES) return undefined;

  const idat: Uint8Array[] = [];
  let palette: Uint8Array | undefined;
  for (let at = 8; at + 12 <= file.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    const data = file.subarray(at + 8, at + 8 + length);
    if (type === 'IDAT') idat.push(data);
    else if (type === 'PLTE') palette = data;
    else if (type === 'iCCP')
      return undefined; // colour-managed: let sharp convert to sRGB
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (colourType === 3 && palette === undefined) return undefined;
  const inflated = inflateBounded(idat, scanlineBytes, width, height);
  if (inflated === undefined || inflated.length < scanlineBytes) return undefined;
  const filtered = unfilter(inflated, rowBytes, height, Math.max(1, (channels * depth) / 8));
  if (filtered === undefined) return undefined;
  const samples = depth === 8 ? filtered : unpack(filtered, rowBytes, width, height, depth, colourType === 0);
  return {
    data: toRgb(samples, width * height, colourType ?? 0, channels, palette),
    width,
    height,
    channels: 3,
  };
}

/** Spreads 1-, 2- or 4-bit samples to one byte each; grey levels are scaled to 0–255, palette indices are not. */
function unpack(
  rows: Uint8Array,
  rowBytes: number,
  width: number,
  height: number,
  depth: number,
  grey: boolean,
): Uint8Array {
  const out = new Uint8Array(width * height);
  const mask = (1 << depth) - 1;
  const scale = grey ? 255 / mask : 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = rows[y * rowBytes + (bit >> 3)] ?? 0;
      out[y * width + x] = ((byte >> (8 - depth - (bit & 7))) & mask) * scale;
    }
  }
  return out;
}

/** Reverses PNG's per-row filters (None, Sub, Up, Average, Paeth). */
function unfilter(
  inflated: Uint8Array,
  rowBytes: number,
  height: number,
  bytesPerPixel: number,
): Uint8Array | undefined {
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const filter = inflated[y * (rowBytes + 1)];
    const source = y * (rowBytes + 1) + 1;
    const row = y * rowBytes;
    const previous = row - rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const raw = inflated[source + x] ?? 0;
      const left = x >= bytesPerPixel ? (out[row + x - bytesPerPixel] ?? 0) : 0;
      const up = y > 0 ? (out[previous + x] ?? 0) : 0;
      const upLeft = y > 0 && x >= bytesPerPixel ? (out[previous + x - bytesPerPixel] ?? 0) : 0;
      let predicted: number;
      switch (filter) {
        case 0:
          predicted = 0;
          break;
        case 1:
          predicted = left;
          break;
        case 2:
          predicted = up;
          break;
        case 3:
          predicted = (left + up) >> 1;
          break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - upLeft);
          predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
          break;
        }
        default:
          return undefined;
      }
      out[row + x] = (raw + predicted) & 0xff;
    }
  }
  return out;
}

/** Grey, grey + alpha, RGB, RGBA or palette samples to RGB, alpha dropped. */
function toRgb(
  samples: Uint8Array,
  pixels: number,
  colourType: number,
  channels: number,
  palette: Uint8Array | undefined,
): Uint8Array {
  const rgb = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    const at = i * channels;
    if (colourType === 3) {
      const entry = (samples[at] ?? 0) * 3;
      rgb[i * 3] = palette?.[entry] ?? 0;
      rgb[i * 3 + 1] = palette?.[entry + 1] ?? 0;
      rgb[i * 3 + 2] = palette?.[entry + 2] ?? 0;
    } else if (channels <= 2) {
      const grey = samples[at] ?? 0;
      rgb[i * 3] = grey;
      rgb[i * 3 + 1] = grey;
      rgb[i * 3 + 2] = grey;
    } else {
      rgb[i * 3] = samples[at] ?? 0;
      rgb[i * 3 + 1] = samples[at + 1] ?? 0;
      rgb[i * 3 + 2] = samples[at + 2] ?? 0;
    }
  }
  return rgb;
}

/** Adam7's passes: first column and row, column and row steps. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;
/** PNGs whose scanlines take more than this are not inflated twice for the check below (sharp streams them). */
const CHECKED_MAX_SCANLINE_BYTES = 64 * 1024 ** 2;
const BITS_PER_PIXEL_CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Throws `DATA_IMAGE_UNREADABLE` when the image data of a PNG inflates to more bytes than its header declares
 * (a decompression bomb), as `decodePngAtSize` does, for a PNG of any size: whether a file is refused never
 * depends on `data.image_size`. sharp would read such a file as far as its header goes and ignore the rest.
 * Files that are not PNGs, or whose data is damaged otherwise, are left to the decoder to judge.
 */
export function assertPngInflateBound(file: Uint8Array): void {
  if (file.length < 33 || SIGNATURE.some((byte, i) => file[i] !== byte)) return;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const [bitDepth = 8, colourType = -1, , , interlace] = file.subarray(24, 29);
  const channels = BITS_PER_PIXEL_CHANNELS[colourType];
  if (channels === undefined || width * height > MAX_IMAGE_PIXELS) return; // the decoder says why
  const rowBytes = (w: number) => (w === 0 ? 0 : 1 + Math.ceil((w * channels * bitDepth) / 8));
  let scanlineBytes = 0;
  if (interlace === 1) {
    for (const [x0, y0, dx, dy] of ADAM7) {
      const passWidth = Math.ceil(Math.max(0, width - x0) / dx);
      const passHeight = Math.ceil(Math.max(0, height - y0) / dy);
      if (passWidth > 0) scanlineBytes += rowBytes(passWidth) * passHeight;
    }
  } else {
    scanlineBytes = rowBytes(width) * height;
  }
  if (scanlineBytes > CHECKED_MAX_SCANLINE_BYTES) return;
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 12 <= file.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    if (type === 'IDAT') idat.push(file.subarray(at + 8, at + 8 + length));
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  inflateBounded(idat, scanlineBytes, width, height);
}

/**
 * The IDAT chunks inflated, stopping at the `scanlineBytes` the header declares: more is a decompression bomb
 * (`DATA_IMAGE_UNREADABLE`); undefined when the data is damaged otherwise.
 */
function inflateBounded(
  idat: readonly Uint8Array[],
  scanlineBytes: number,
  width: number,
  height: number,
): Uint8Array | undefined {
  try {
    return inflateSync(Buffer.concat(idat), { maxOutputLength: Math.max(1, scanlineBytes) });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ClsError(
        'DATA_IMAGE_UNREADABLE',
        `the PNG image data inflates to more than the ${scanlineBytes} bytes its ${width}×${height} header declares`,
        { cause: error },
      );
    }
    return undefined;
  }
}
