import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { imageSize } from 'image-size';
import sharp from 'sharp';
import { ClsError } from '@nextplay/cls-core';
import { isNetpbm, readNetpbmHeader } from './readNetpbmHeader.js';

/** What an image file's header declares: its format (named as sharp names it) and displayed size. */
export interface ImageHeader {
  /** `png`, `jpeg`, `gif`, `webp`, `bmp`, `pgm`, `ppm`, `tiff`, or another name sharp gives. */
  readonly format: string;
  /** After the EXIF orientation (JPEG, TIFF): width and height as the image is shown and trained on. */
  readonly width: number;
  readonly height: number;
}

/**
 * Opening a FIFO for reading would wait for a writer; non-blocking, it opens at once and is refused. (Windows
 * has no `O_NONBLOCK`, and no FIFOs to open this way.)
 */
const OPEN_FLAGS = constants.O_RDONLY | ('O_NONBLOCK' in constants ? constants.O_NONBLOCK : 0);
/** Read first: enough for every header taken from image-size here but a JPEG's behind large EXIF/ICC segments. */
const HEAD_BYTES = 4096;
/**
 * A JPEG's head grows by this factor, 4 → 32 → 256 → 512 KiB (what image-size's own file reader reads), before
 * sharp reads the file. A try that falls short costs more than reading more bytes, so it grows fast: a frame
 * header behind 30 KB of segments is found in ~33 µs, behind 180 KB in ~80 µs (~55 and ~150 µs doubling).
 */
const HEAD_GROWTH = 8;
const MAX_HEAD_BYTES = 512 * 1024;
/** A PGM or PPM header (comments included) is read from at most this many first bytes, as training reads it. */
const NETPBM_HEAD_BYTES = 64 * 1024;

/**
 * image-size's type names, as sharp names them, for the formats whose size image-size reads exactly as the
 * training decoder sees it. Others go to sharp: TIFF (image-size reads no orientation; the directory is often
 * at the file's end), HEIF/AVIF (rotation and crop boxes), SVG (units), and what sharp cannot decode at all.
 */
const HEADER_FORMATS: ReadonlyMap<string, string> = new Map([
  ['png', 'png'],
  ['jpg', 'jpeg'],
  ['gif', 'gif'],
  ['webp', 'webp'],
  ['bmp', 'bmp'],
]);

function unreadable(reason: string): ClsError {
  return new ClsError('DATA_IMAGE_UNREADABLE', reason);
}

/**
 * The header of the image file at `path`, without decoding pixels. PNG, JPEG (with its EXIF orientation), GIF,
 * WebP and BMP are read by image-size from the file's first bytes, synchronously (~20 µs a file, against
 * ~250 µs for sharp's `metadata()`, which matters at thousands of files while training runs), PGM and PPM
 * (which sharp cannot read) here; sharp reads the others. Throws `DATA_IMAGE_UNREADABLE` with the reason for a
 * file that is not a regular file, is empty, or has no header that either can read.
 */
export async function readImageHeader(path: string): Promise<ImageHeader> {
  const header = readHeaderBytes(path);
  if (header !== undefined) return header;
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(path).metadata();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw unreadable(reason ?? 'unreadable');
  }
  return displayed(metadata.format, metadata.width, metadata.height, metadata.orientation);
}

/** `readImageHeader` for the formats image-size reads here; undefined for a file sharp must read. */
function readHeaderBytes(path: string): ImageHeader | undefined {
  const fd = openSync(path, OPEN_FLAGS);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw unreadable('not a regular file');
    if (stats.size === 0) throw unreadable('empty file');
    let head = readHead(fd, new Uint8Array(0), Math.min(stats.size, HEAD_BYTES));
    if (isNetpbm(head)) return netpbmHeader(fd, head, stats.size);
    for (;;) {
      try {
        const size = imageSize(head);
        const format = HEADER_FORMATS.get(size.type ?? '');
        if (format === undefined) return undefined;
        if (format === 'bmp' && isOs2Bitmap(head)) return os2BitmapHeader(head);
        return displayed(format, size.width, size.height, size.orientation);
      } catch (error) {
        if (error instanceof ClsError) throw error;
        // A JPEG's frame header may lie behind EXIF, ICC or XMP segments longer than what was read.
        const more = Math.min(stats.size, MAX_HEAD_BYTES, head.length * HEAD_GROWTH);
        if (!isJpeg(head) || more <= head.length) return undefined;
        head = readHead(fd, head, more);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The file's first `length` bytes, reading only those after `known` (its first bytes, already read). Always a
 * buffer of its own, of the bytes read: image-size reads through a `DataView` of the whole `ArrayBuffer`, so
 * bytes after a truncated header must not be there for it to take as the header's.
 */
function readHead(fd: number, known: Uint8Array, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  bytes.set(known);
  let filled = known.length;
  while (filled < length) {
    const read = readSync(fd, bytes, filled, length - filled, filled);
    if (read === 0) return bytes.slice(0, filled);
    filled += read;
  }
  return bytes;
}

/** A PGM or PPM header from `head`, or from the file's first `NETPBM_HEAD_BYTES` when it runs past `head`. */
function netpbmHeader(fd: number, head: Uint8Array, fileBytes: number): ImageHeader {
  let header = readNetpbmHeader(head, head.length === fileBytes);
  if (header === undefined && head.length < fileBytes) {
    const longer = readHead(fd, head, Math.min(fileBytes, NETPBM_HEAD_BYTES));
    header = readNetpbmHeader(longer, longer.length === fileBytes);
  }
  if (header === undefined) {
    throw unreadable(`the Netpbm header is not complete within the file's first ${NETPBM_HEAD_BYTES} bytes`);
  }
  return displayed(header.format, header.width, header.height, undefined);
}

function isJpeg(head: Uint8Array): boolean {
  return head[0] === 0xff && head[1] === 0xd8;
}

/** image-size reads every BMP's sizes as 32-bit; an OS/2 1.x header (BITMAPCOREHEADER, 12 bytes) has 16-bit ones. */
function isOs2Bitmap(head: Uint8Array): boolean {
  return head.length >= 22 && new DataView(head.buffer).getUint32(14, true) === 12;
}

function os2BitmapHeader(head: Uint8Array): ImageHeader {
  const view = new DataView(head.buffer);
  return displayed('bmp', view.getUint16(18, true), view.getUint16(20, true), undefined);
}

/** The size as the image is shown: EXIF orientations 5–8 turn it a quarter. */
function displayed(
  format: string,
  width: number,
  height: number,
  orientation: number | undefined,
): ImageHeader {
  if (!(width > 0 && height > 0)) throw unreadable(`the ${format} header declares ${width}x${height} pixels`);
  const turned = orientation !== undefined && orientation >= 5 && orientation <= 8;
  return turned ? { format, width: height, height: width } : { format, width, height };
}
