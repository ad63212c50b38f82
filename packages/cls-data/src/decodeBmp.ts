import type { RawImage } from '@nextplay/cls-core';

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/**
 * Decodes an uncompressed Windows bitmap (1/4/8-bit palette, 16/24/32-bit, bit-field masks) to 8-bit RGB.
 * libvips, and so sharp, cannot read BMP. Throws an `Error` with the reason on anything else.
 */
export function decodeBmp(file: Uint8Array): RawImage {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.byteLength < 26 || file[0] !== 0x42 || file[1] !== 0x4d) throw new Error('not a BMP file');
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  if (!core && headerSize < 40) throw new Error(`unsupported BMP header size ${headerSize}`);
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getInt16(22, true) : view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(core ? 24 : 28, true);
  const compression = core ? BI_RGB : view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (width <= 0 || height <= 0) throw new Error(`invalid BMP size ${width}x${rawHeight}`);
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw new Error(`unsupported BMP compression ${compression} (only uncompressed bitmaps are read)`);
  }

  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  if (pixelOffset + rowBytes * height > file.byteLength) throw new Error('truncated BMP pixel data');
  const data = new Uint8Array(width * height * 3);
  const palette = bitsPerPixel <= 8 ? readPalette(view, 14 + headerSize, core, bitsPerPixel) : undefined;
  const masks =
    bitsPerPixel === 16 || bitsPerPixel === 32 ? readMasks(view, compression, bitsPerPixel) : undefined;

  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * 3;
      if (palette !== undefined) {
        const bitOffset = x * bitsPerPixel;
        const byte = file[row + (bitOffset >> 3)] ?? 0;
        const index = (byte >> (8 - bitsPerPixel - (bitOffset & 7))) & ((1 << bitsPerPixel) - 1);
        data[out] = palette[index * 3] ?? 0;
        data[out + 1] = palette[index * 3 + 1] ?? 0;
        data[out + 2] = palette[index * 3 + 2] ?? 0;
      } else if (bitsPerPixel === 24) {
        const at = row + x * 3;
        data[out] = file[at + 2] ?? 0;
        data[out + 1] = file[at + 1] ?? 0;
        data[out + 2] = file[at] ?? 0;
      } else if (masks !== undefined) {
        const value =
          bitsPerPixel === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        data[out] = masks[0](value);
        data[out + 1] = masks[1](value);
        data[out + 2] = masks[2](value);
      } else {
        throw new Error(`unsupported BMP bit depth ${bitsPerPixel}`);
      }
    }
  }
  return { data, width, height, channels: 3 };
}

/** Palette entries as RGB triplets. */
function readPalette(view: DataView, offset: number, core: boolean, bitsPerPixel: number): Uint8Array {
  if (bitsPerPixel !== 1 && bitsPerPixel !== 4 && bitsPerPixel !== 8) {
    throw new Error(`unsupported BMP bit depth ${bitsPerPixel}`);
  }
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
