import { open } from 'node:fs/promises';
import { constants, crc32, deflateRawSync, deflateSync } from 'node:zlib';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** A final, empty stored deflate block: ends a stream made of flushed, non-final blocks. */
const FINAL_EMPTY_BLOCK = [0x01, 0x00, 0x00, 0xff, 0xff];
const ADLER_MODULUS = 65521;

/** One PNG chunk: length, type, data and a correct CRC, so every decoder reads as far as the data goes. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typeBytes = Buffer.from(type, 'latin1');
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(typeBytes, 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

/**
 * A zlib stream that inflates to `megabytes` MiB of zero bytes, about a thousand times smaller than that: one
 * flushed deflate block of 1 MiB of zeros repeated, then a final empty block and the Adler-32 of the zeros.
 * Zero bytes are valid PNG scanlines (filter 0, black pixels), so only the amount of data is hostile.
 */
export function zeroInflatingZlib(megabytes: number): Uint8Array {
  const block = deflateRawSync(new Uint8Array(1 << 20), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const stream = new Uint8Array(2 + block.length * megabytes + FINAL_EMPTY_BLOCK.length + 4);
  stream.set([0x78, 0xda]);
  for (let i = 0; i < megabytes; i++) stream.set(block, 2 + i * block.length);
  const end = 2 + block.length * megabytes;
  stream.set(FINAL_EMPTY_BLOCK, end);
  // Adler-32 of n zero bytes: a = 1, b = n mod 65521.
  const b = Number((BigInt(megabytes) * BigInt(1 << 20)) % BigInt(ADLER_MODULUS));
  new DataView(stream.buffer).setUint32(end + FINAL_EMPTY_BLOCK.length, ((b << 16) | 1) >>> 0);
  return stream;
}

/**
 * An 8-bit RGB PNG whose header declares `width`×`height` but whose IDAT inflates to `megabytes` MiB: a
 * decompression bomb of about `megabytes` KiB.
 */
export function inflateBombPng(width: number, height: number, megabytes: number): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per sample, RGB, deflate, adaptive filters, not interlaced
  const parts = [
    Uint8Array.from(PNG_SIGNATURE),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zeroInflatingZlib(megabytes)),
    pngChunk('IEND', new Uint8Array(0)),
  ];
  return Buffer.concat(parts);
}

export interface BmpHeaderFields {
  readonly width: number;
  /** Negative for a top-down bitmap. */
  readonly height: number;
  readonly bitsPerPixel: number;
  readonly compression?: number;
  /** Where the pixels start; 54 + palette by default. */
  readonly pixelOffset?: number;
  /** The BITMAPINFOHEADER size field; 40 by default. */
  readonly headerSize?: number;
}

/** The 54-byte file and info headers of a BMP, plus a black-and-white palette for 1-bit images. */
export function bmpHeader(fields: BmpHeaderFields): Uint8Array {
  const palette = fields.bitsPerPixel === 1 ? Uint8Array.of(0, 0, 0, 0, 255, 255, 255, 0) : new Uint8Array(0);
  const head = new Uint8Array(54 + palette.length);
  const view = new DataView(head.buffer);
  head.set([0x42, 0x4d]);
  view.setUint32(10, fields.pixelOffset ?? head.length, true);
  view.setUint32(14, fields.headerSize ?? 40, true);
  view.setInt32(18, fields.width, true);
  view.setInt32(22, fields.height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, fields.bitsPerPixel, true);
  view.setUint32(30, fields.compression ?? 0, true);
  head.set(palette, 54);
  return head;
}

/**
 * Writes a BMP of `header` followed by zero bytes up to `fileBytes` in all. The zeros are a hole in a sparse
 * file where the file system allows it, so a file of tens of megabytes costs no time to write.
 */
export async function writeBmpFile(path: string, header: Uint8Array, fileBytes: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.write(header, 0, header.length, 0);
    await file.truncate(fileBytes);
  } finally {
    await file.close();
  }
}

/**
 * A TIFF of `width`×`height` float32 RGBA pixels whose strips all point at one deflated strip of zeros: a few KB
 * of file for width × height × 16 bytes of samples (4 GiB at 16383²), within the pixel limit.
 */
export function floatRgbaStripBombTiff(width: number, height: number): Uint8Array {
  const rowsPerStrip = 64;
  const strips = Math.ceil(height / rowsPerStrip);
  const strip = deflateSync(new Uint8Array(width * 16 * rowsPerStrip), { level: 9 });
  const entries: [tag: number, type: number, count: number, value: number][] = [];
  const arrays: Uint8Array[] = [];
  let next = 8; // the IFD is written after the strip and the arrays; offsets are fixed below
  const stripAt = next;
  next += strip.length;
  const shortArray = (values: number[]) => {
    const bytes = new Uint8Array(values.length * 2);
    values.forEach((v, i) => {
      new DataView(bytes.buffer).setUint16(i * 2, v, true);
    });
    return bytes;
  };
  const longArray = (values: number[]) => {
    const bytes = new Uint8Array(values.length * 4);
    values.forEach((v, i) => {
      new DataView(bytes.buffer).setUint32(i * 4, v, true);
    });
    return bytes;
  };
  const place = (bytes: Uint8Array) => {
    const at = next;
    arrays.push(bytes);
    next += bytes.length;
    return at;
  };
  const bitsAt = place(shortArray([32, 32, 32, 32]));
  const formatAt = place(shortArray([3, 3, 3, 3]));
  const offsetsAt = place(longArray(Array.from({ length: strips }, () => stripAt)));
  const countsAt = place(longArray(Array.from({ length: strips }, () => strip.length)));
  entries.push(
    [256, 4, 1, width],
    [257, 4, 1, height],
    [258, 3, 4, bitsAt],
    [259, 3, 1, 8], // deflate
    [262, 3, 1, 2], // RGB
    [273, 4, strips, offsetsAt],
    [277, 3, 1, 4],
    [278, 4, 1, rowsPerStrip],
    [279, 4, strips, countsAt],
    [284, 3, 1, 1], // chunky
    [338, 3, 1, 2], // unassociated alpha
    [339, 3, 4, formatAt],
  );
  const ifdAt = next;
  const ifd = new Uint8Array(2 + entries.length * 12 + 4);
  const ifdView = new DataView(ifd.buffer);
  ifdView.setUint16(0, entries.length, true);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 2 + i * 12;
    ifdView.setUint16(at, tag, true);
    ifdView.setUint16(at + 2, type, true);
    ifdView.setUint32(at + 4, count, true);
    if (type === 3 && count === 1) ifdView.setUint16(at + 8, value, true);
    else ifdView.setUint32(at + 8, value, true);
  });
  const head = new Uint8Array(8);
  head.set([0x49, 0x49, 42, 0]);
  new DataView(head.buffer).setUint32(4, ifdAt, true);
  return Buffer.concat([head, strip, ...arrays, ifd]);
}

/** A PNG whose header declares `width`×`height` pixels at `bitDepth` bits and `colourType`, with one IDAT of zeros. */
export function pngWithHeader(
  width: number,
  height: number,
  bitDepth: number,
  colourType: number,
): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([bitDepth, colourType, 0, 0, 0], 8);
  return Buffer.concat([
    Uint8Array.from(PNG_SIGNATURE),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(new Uint8Array(1024))),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** The audit's 535-byte SVG: 16000×16000 of blurred, dilated noise, which librsvg renders into gigabytes. */
export const BLUR_BOMB_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16000" height="16000">
<filter id="f" x="0" y="0" width="1" height="1"><feTurbulence baseFrequency="0.9" numOctaves="8"/>
<feGaussianBlur stdDeviation="400"/><feMorphology operator="dilate" radius="300"/>
<feGaussianBlur stdDeviation="400"/></filter><rect width="16000" height="16000" filter="url(#f)"/></svg>`;
