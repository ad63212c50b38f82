import { ClsError } from '@nextplay/cls-core';
import type sharp from 'sharp';
import { DECODED_BYTES_MAX } from './imageLimits.js';

/** What an image's header declares, read before any pixel is decoded. */
export interface RasterHeader {
  /** sharp's name of the format found from the file's first bytes (`jpeg`, `png`, `svg`, …). */
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly bytesPerSample: number;
}

/**
 * The formats sharp decodes here: the raster formats of torchvision's `IMG_EXTENSIONS` that sharp reads, and GIF
 * (BMP and Netpbm, `pgm` and `ppm`, have their own decoders). sharp finds the format from the content, so a file
 * named `.png` may be an SVG or a PDF to render at any size, or a HEIF or libvips image that PIL would not open:
 * those are unreadable images.
 */
export const RASTER_FORMATS: readonly string[] = ['jpeg', 'png', 'webp', 'gif', 'tiff'];

const VECTOR_FORMATS: readonly string[] = ['svg', 'pdf'];

const BYTES_PER_SAMPLE: Readonly<Record<string, number>> = {
  uchar: 1,
  char: 1,
  ushort: 2,
  short: 2,
  uint: 4,
  int: 4,
  float: 4,
  complex: 8,
  double: 8,
  dpcomplex: 16,
};

/** The header sharp reads from the file's first bytes (it parses; it renders or decodes nothing). */
export function headerFromMetadata(metadata: sharp.Metadata): RasterHeader {
  return {
    format: metadata.format,
    width: metadata.width,
    height: metadata.height,
    channels: metadata.channels,
    bytesPerSample: BYTES_PER_SAMPLE[metadata.depth] ?? 8,
  };
}

/** The bytes the image decodes to: its samples, or its 8-bit RGB when that is more (grey, palette). */
export function decodedBytes(header: RasterHeader): number {
  return header.width * header.height * Math.max(header.channels * header.bytesPerSample, 3);
}

/** The memory a decode holds at most: the decoded samples and the 8-bit RGB made from them. */
export function decodeMemoryBytes(header: RasterHeader): number {
  return header.width * header.height * (header.channels * header.bytesPerSample + 3);
}

/**
 * Throws `DATA_IMAGE_UNREADABLE` (the caller adds the file) for a format other than `RASTER_FORMATS`, and for an
 * image that decodes to more than `DECODED_BYTES_MAX`.
 */
export function assertDecodableHeader(header: RasterHeader): void {
  if (VECTOR_FORMATS.includes(header.format)) {
    throw new ClsError('DATA_IMAGE_UNREADABLE', `not a raster image: ${header.format}`);
  }
  if (!RASTER_FORMATS.includes(header.format)) {
    throw new ClsError(
      'DATA_IMAGE_UNREADABLE',
      `unsupported image format: ${header.format} (readable: ${[...RASTER_FORMATS, 'bmp', 'pgm', 'ppm'].join(', ')})`,
    );
  }
  assertDecodedSize(header);
}

/** Throws `DATA_IMAGE_UNREADABLE` for an image that decodes to more than `DECODED_BYTES_MAX`. */
export function assertDecodedSize(header: RasterHeader): void {
  const bytes = decodedBytes(header);
  if (bytes > DECODED_BYTES_MAX) {
    const { width, height, channels, bytesPerSample } = header;
    throw new ClsError(
      'DATA_IMAGE_UNREADABLE',
      `the ${header.format} header declares ${width}×${height} pixels of ${channels} × ${bytesPerSample}-byte samples, ` +
        `${mib(bytes)} MiB decoded, more than the limit of ${mib(DECODED_BYTES_MAX)} MiB`,
    );
  }
}

function mib(bytes: number): number {
  return Math.round((bytes / 1024 ** 2) * 10) / 10;
}
