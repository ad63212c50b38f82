import { ClsError, type RawImage } from '@nextplay/cls-core';
import { MAX_IMAGE_PIXELS } from './imageLimits.js';
import { ConcurrencyLimiter } from './concurrencyLimiter.js';
import { assertDecodedSize } from './rasterHeader.js';
import { closeImageFile, openImageFile, readImageBytes, type ImageFile } from './readImageFile.js';

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
const BITS_PER_PIXEL = [1, 4, 8, 16, 24, 32];
/** BITMAPV5HEADER, the largest info header Windows defines. */
const MAX_INFO_HEADER_BYTES = 124;
/** The red, green and blue masks of a bit-field bitmap end here. */
const BIT_FIELD_MASKS_END = 66;
/** Enough of the file for the headers, bit-field masks and a 256-entry palette. */
const HEAD_BYTES = 2048;
/**
 * Decoded pixels above this size (about 22 megapixels) are held by one bitmap at a time, so a folder of
 * bitmaps near the pixel limit, decoded concurrently, needs the memory of one.
 */
const LARGE_BMP_BYTES = 64 * 1024 ** 2;
const largeBmpDecoder = new ConcurrencyLimiter(1);
/** Rows are read from disk in strips of about this many bytes. */
const STRIP_BYTES = 4 * 1024 ** 2;

/** What a BMP's headers declare, checked against the pixel limit and the file's length. */
interface BmpLayout {
  readonly width: number;
  readonly height: number;
  readonly topDown: boolean;
  readonly bitsPerPixel: number;
  /** Bytes per stored row, padded to 4. */
  readonly rowBytes: number;
  readonly pixelOffset: number;
}

/** Turns one stored row into RGB triplets. */
type RowDecoder = (source: Uint8Array, at: number, out: Uint8Array, outAt: number) => void;

/**
 * Decodes an uncompressed Windows bitmap (1/4/8-bit palette, 16/24/32-bit, bit-field masks) to 8-bit RGB.
 * libvips, and so sharp, cannot read BMP. Throws `DATA_IMAGE_UNREADABLE` with the reason on anything else, and
 * before allocating when the header declares more than `MAX_IMAGE_PIXELS` pixels or more pixel bytes than the
 * file holds.
 */
export function decodeBmp(file: Uint8Array): RawImage {
  const layout = readBmpLayout(file, file.byteLength);
  const decodeRow = rowDecoder(file, layout);
  const data = new Uint8Array(layout.width * layout.height * 3);
  for (let stored = 0; stored < layout.height; stored++) {
    decodeRow(file, layout.pixelOffset + stored * layout.rowBytes, data, outputRowOffset(layout, stored));
  }
  return { data, width: layout.width, height: layout.height, channels: 3 };
}

/**
 * `decodeBmp` for a file on disk, handing the pixels to `use` (which must not keep them): the headers are read
 * and checked first, then the rows in strips, so memory holds the decoded pixels and one strip rather than the
 * whole file as well. Bitmaps whose pixels take more than `LARGE_BMP_BYTES` are decoded and used one at a time.
 */
export async function decodeBmpFile<T>(path: string, use: (image: RawImage) => Promise<T>): Promise<T> {
  const file = await openImageFile(path);
  try {
    const head = new Uint8Array(Math.min(file.size, HEAD_BYTES));
    await readImageBytes(file, head, 0);
    const layout = readBmpLayout(head, file.size);
    const decodeAndUse = async () => use(await readBmpRows(file, head, layout));
    return layout.width * layout.height * 3 > LARGE_BMP_BYTES
      ? await largeBmpDecoder.run(decodeAndUse)
      : await decodeAndUse();
  } finally {
    await closeImageFile(file);
  }
}

async function readBmpRows(file: ImageFile, head: Uint8Array, layout: BmpLayout): Promise<RawImage> {
  const decodeRow = rowDecoder(head, layout);
  const data = new Uint8Array(layout.width * layout.height * 3);
  const stripRows = Math.max(1, Math.floor(STRIP_BYTES / layout.rowBytes));
  const strip = new Uint8Array(Math.min(stripRows, layout.height) * layout.rowBytes);
  for (let first = 0; first < layout.height; first += stripRows) {
    const rows = Math.min(stripRows, layout.height - first);
    const stripBytes = strip.subarray(0, rows * layout.rowBytes);
    const position = layout.pixelOffset + first * layout.rowBytes;
    if ((await readImageBytes(file, stripBytes, position)) < stripBytes.length) {
      throw bmpError('the BMP file shrank while it was read');
    }
    for (let row = 0; row < rows; row++) {
      decodeRow(strip, row * layout.rowBytes, data, outputRowOffset(layout, first + row));
    }
  }
  return { data, width: layout.width, height: layout.height, channels: 3 };
}

/** Where stored row `stored` (bottom-up unless `topDown`) lands in the top-down RGB output. */
function outputRowOffset(layout: BmpLayout, stored: number): number {
  const y = layout.topDown ? stored : layout.height - 1 - stored;
  return y * layout.width * 3;
}

/** Reads and checks the headers in `head` (the file's first bytes) against a file of `fileBytes` bytes. */
function readBmpLayout(head: Uint8Array, fileBytes: number): BmpLayout {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.byteLength < 26 || head[0] !== 0x42 || head[1] !== 0x4d) throw bmpError('not a BMP file');
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  if ((!core && headerSize < 40) || headerSize > MAX_INFO_HEADER_BYTES) {
    throw bmpError(`unsupported BMP header size ${headerSize}`);
  }
  if (!core && head.byteLength < 34) throw bmpError('truncated BMP header');
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getInt16(22, true) : view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(core ? 24 : 28, true);
  const compression = core ? BI_RGB : view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw bmpError(`invalid BMP size ${width}x${rawHeight}`);
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw bmpError(`unsupported BMP compression ${compression} (only uncompressed bitmaps are read)`);
  }
  if (!BITS_PER_PIXEL.includes(bitsPerPixel)) throw bmpError(`unsupported BMP bit depth ${bitsPerPixel}`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw bmpError(
      `the BMP header declares ${width}×${height} pixels, more than the limit of ${MAX_IMAGE_PIXELS}`,
    );
  }
  assertDecodedSize({ format: 'bmp', width, height, channels: 3, bytesPerSample: 1 });
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  const declaredBytes = pixelOffset + rowBytes * height;
  if (pixelOffset < 14 + headerSize || declaredBytes > fileBytes) {
    throw bmpError(
      `truncated BMP pixel data: the header declares ${width}×${height} pixels at ${bitsPerPixel} bits from byte ${pixelOffset}, ${declaredBytes} bytes in all, but the file has ${fileBytes}`,
    );
  }
  const masked = compression !== BI_RGB && (bitsPerPixel === 16 || bitsPerPixel === 32);
  if (masked && head.byteLength < BIT_FIELD_MASKS_END) throw bmpError('truncated BMP bit-field masks');
  return { width, height, topDown: rawHeight < 0, bitsPerPixel, rowBytes, pixelOffset };
}

function bmpError(reason: string): ClsError {
  return new ClsError('DATA_IMAGE_UNREADABLE', reason);
}

/** The decoder of one stored row for this layout; palette and masks are read from `head`. */
function rowDecoder(head: Uint8Array, layout: BmpLayout): RowDecoder {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const { width, bitsPerPixel } = layout;
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  if (bitsPerPixel <= 8) {
    const palette = readPalette(view, 14 + headerSize, core, bitsPerPixel);
    const mask = (1 << bitsPerPixel) - 1;
    return (source, at, out, outAt) => {
      for (let x = 0; x < width; x++) {
        const bitOffset = x * bitsPerPixel;
        const byte = source[at + (bitOffset >> 3)] ?? 0;
        const index = (byte >> (8 - bitsPerPixel - (bitOffset & 7))) & mask;
        out[outAt + x * 3] = palette[index * 3] ?? 0;
        out[outAt + x * 3 + 1] = palette[index * 3 + 1] ?? 0;
        out[outAt + x * 3 + 2] = palette[index * 3 + 2] ?? 0;
      }
    };
  }
  if (bitsPerPixel === 24) {
    return (source, at, out, outAt) => {
      for (let x = 0; x < width; x++) {
        out[outAt + x * 3] = source[at + x * 3 + 2] ?? 0;
        out[outAt + x * 3 + 1] = source[at + x * 3 + 1] ?? 0;
        out[outAt + x * 3 + 2] = source[at + x * 3] ?? 0;
      }
    };
  }
  const compression = core ? BI_RGB : view.getUint32(30, true);
  const [red, green, blue] = readMasks(view, compression, bitsPerPixel);
  const bytesPerPixel = bitsPerPixel / 8;
  return (source, at, out, outAt) => {
    const row = new DataView(source.buffer, source.byteOffset + at, width * bytesPerPixel);
    for (let x = 0; x < width; x++) {
      const value = bytesPerPixel === 2 ? row.getUint16(x * 2, true) : row.getUint32(x * 4, true);
      out[outAt + x * 3] = red(value);
      out[outAt + x * 3 + 1] = green(value);
      out[outAt + x * 3 + 2] = blue(value);
    }
  };
}

/** Palette entries as RGB triplets. */
function readPalette(view: DataView, offset: number, core: boolean, bitsPerPixel: number): Uint8Array {
  const declared = core ? 0 : view.getUint32(46, true);
  const count = declared > 0 ? Math.min(declared, 256) : 1 << bitsPerPixel;
  const entryBytes = core ? 3 : 4;
  const palette = new Uint8Array(256 * 3);
  for (let i = 0; i < count && offset + i * entryBytes + 2 < view.byteLength; i++) {
    const at = offset + i * entryBytes;
    palette[i * 3] = view.getUint8(at + 2);
    palette[i * 3 + 1] = view.getUint8(at + 1);
    palette[i * 3 + 2] = view.getUint8(at);
  }
  return palette;
}

type ChannelReader = (value: number) => number;

function readMasks(
  view: DataView,
  compression: number,
  bitsPerPixel: number,
): [ChannelReader, ChannelReader, ChannelReader] {
  const masks =
    compression === BI_RGB
      ? bitsPerPixel === 16
        ? [0x7c00, 0x03e0, 0x001f]
        : [0xff0000, 0x00ff00, 0x0000ff]
      : [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
  return [channelReader(masks[0] ?? 0), channelReader(masks[1] ?? 0), channelReader(masks[2] ?? 0)];
}

/** Extracts the bits of `mask` and scales them to 0–255. */
function channelReader(mask: number): ChannelReader {
  if (mask === 0) return () => 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return (value) => Math.round((((value & mask) >>> shift) * 255) / max);
}
