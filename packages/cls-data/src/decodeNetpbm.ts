import { ClsError, type RawImage } from '@nextplay/cls-core';
import { ConcurrencyLimiter } from './concurrencyLimiter.js';
import { MAX_IMAGE_PIXELS } from './imageLimits.js';
import { assertDecodedSize } from './rasterHeader.js';
import { closeImageFile, openImageFile, readImageBytes, type ImageFile } from './readImageFile.js';

/** Pillow's whitespace in a Netpbm header and plain data: space, tab, LF, VT, FF, CR. */
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
const HASH = 0x23;
const LF = 0x0a;
const CR = 0x0d;
/** Pillow refuses a header or sample token longer than this. */
const MAX_TOKEN_LENGTH = 10;
/** A file read by path holds its header in this many first bytes (comments included). */
const HEAD_BYTES = 64 * 1024;
/** Pixel data is read from disk in strips of about this many bytes. */
const STRIP_BYTES = 4 * 1024 ** 2;
/** Decoded pixels above this size are held by one Netpbm image at a time, as large BMPs are. */
const LARGE_NETPBM_BYTES = 64 * 1024 ** 2;
const largeNetpbmDecoder = new ConcurrencyLimiter(1);

/** The Netpbm types read: grey (`pgm`) and RGB (`ppm`), plain (ASCII) or binary. */
const TYPES: Readonly<Record<string, { readonly channels: 1 | 3; readonly plain: boolean }>> = {
  P2: { channels: 1, plain: true },
  P3: { channels: 3, plain: true },
  P5: { channels: 1, plain: false },
  P6: { channels: 3, plain: false },
};

/** What a Netpbm header declares, checked against the pixel limit and the file's length. */
interface NetpbmLayout {
  readonly channels: 1 | 3;
  readonly plain: boolean;
  readonly width: number;
  readonly height: number;
  readonly maxval: number;
  /** Where the samples start: one whitespace byte after maxval. */
  readonly dataOffset: number;
}

/**
 * True when `head`, a file's first bytes, starts as a Netpbm image: `P1`…`P6` and whitespace, as Pillow
 * recognises one (P1 and P4 bitmaps are then refused by the decoder with their own reason).
 */
export function isNetpbm(head: Uint8Array): boolean {
  const digit = head[1] ?? 0;
  return head[0] === 0x50 && digit >= 0x31 && digit <= 0x36 && WHITESPACE.has(head[2] ?? 0);
}

/** True when the file at `path` starts as a Netpbm image (for files too large to read whole). */
export async function isNetpbmFile(path: string): Promise<boolean> {
  const file = await openImageFile(path);
  try {
    const head = new Uint8Array(3);
    return isNetpbm(head.subarray(0, await readImageBytes(file, head, 0)));
  } finally {
    await closeImageFile(file);
  }
}

/**
 * Decodes a PGM or PPM image (P2, P3, P5, P6; maxval 1–65535, 2-byte big-endian samples above 255) to 8-bit RGB
 * exactly as torchvision's loader, Pillow's `Image.open(p).convert('RGB')`: samples are scaled by
 * `round(v / maxval * 255)` (half to even) and clipped to 255, except grey with maxval above 255, which Pillow
 * reads as 32-bit integers scaled to 0…65535 (unscaled when maxval is 65535) and clips to 255 as it does 16-bit
 * grey PNGs. sharp cannot read Netpbm. Throws `DATA_IMAGE_UNREADABLE` with the reason on a bad header, a size or
 * maxval out of range, samples that are not numbers or exceed maxval (plain), and missing pixel data; before
 * allocating when the header declares more than `MAX_IMAGE_PIXELS` pixels or more data than the file holds.
 */
export function decodeNetpbm(file: Uint8Array): RawImage {
  const layout = readNetpbmLayout(file, file.byteLength);
  const decoder = sampleDecoder(layout);
  decoder.write(file.subarray(layout.dataOffset));
  return decoder.finish();
}

/**
 * `decodeNetpbm` for a file in memory (`input` its bytes) or on disk (`input` its path), handing the pixels to
 * `use` (which must not keep them). From disk the header is read and checked first, then the samples in strips,
 * so memory holds the decoded pixels and one strip rather than the whole file as well. Images whose pixels take
 * more than `LARGE_NETPBM_BYTES` are decoded and used one at a time.
 */
export async function decodeNetpbmFile<T>(
  input: Uint8Array | string,
  use: (image: RawImage) => Promise<T>,
): Promise<T> {
  if (typeof input !== 'string') {
    const layout = readNetpbmLayout(input, input.byteLength);
    return runBySize(layout, async () => use(decodeNetpbm(input)));
  }
  const file = await openImageFile(input);
  try {
    const head = new Uint8Array(Math.min(file.size, HEAD_BYTES));
    await readImageBytes(file, head, 0);
    const layout = readNetpbmLayout(head, file.size);
    return await runBySize(layout, async () => use(await readSamples(file, layout)));
  } finally {
    await closeImageFile(file);
  }
}

function runBySize<T>(layout: NetpbmLayout, decodeAndUse: () => Promise<T>): Promise<T> {
  return layout.width * layout.height * 3 > LARGE_NETPBM_BYTES
    ? largeNetpbmDecoder.run(decodeAndUse)
    : decodeAndUse();
}

async function readSamples(file: ImageFile, layout: NetpbmLayout): Promise<RawImage> {
  const decoder = sampleDecoder(layout);
  const pixelBytes = layout.channels * (layout.maxval > 255 ? 2 : 1);
  // Whole pixels a strip for binary data; plain text is tokenised across strips.
  const strip = new Uint8Array(
    Math.min(file.size - layout.dataOffset, STRIP_BYTES - (STRIP_BYTES % pixelBytes)),
  );
  for (let position = layout.dataOffset; position < file.size && !decoder.done(); position += strip.length) {
    const read = await readImageBytes(file, strip, position);
    decoder.write(strip.subarray(0, read));
    if (read < strip.length) break;
  }
  return decoder.finish();
}

function netpbmError(reason: string): ClsError {
  return new ClsError('DATA_IMAGE_UNREADABLE', reason);
}

/**
 * Reads and checks the header in `head` (the file's first bytes) against a file of `fileBytes` bytes, token by
 * token as Pillow does: the magic and one whitespace byte, then width, height and maxval, each after any
 * whitespace, ended by one whitespace byte; `#` starts a comment to the next CR or LF, anywhere.
 */
function readNetpbmLayout(head: Uint8Array, fileBytes: number): NetpbmLayout {
  if (!isNetpbm(head)) throw netpbmError('not a Netpbm file');
  const type = String.fromCharCode(head[0] ?? 0, head[1] ?? 0);
  const kind = TYPES[type];
  if (kind === undefined) {
    throw netpbmError(
      `unsupported Netpbm type ${type} (a PBM bitmap; PGM and PPM, P2, P3, P5 and P6, are read)`,
    );
  }
  const format = kind.channels === 1 ? 'PGM' : 'PPM';
  let at = 3;
  const token = (name: string): number => {
    let text = '';
    for (;;) {
      if (at >= head.length) {
        if (text !== '') break;
        throw netpbmError(
          head.length < fileBytes
            ? `the ${format} header is not complete within the file's first ${head.length} bytes`
            : `truncated ${format} header: the file ends before its ${name}`,
        );
      }
      const byte = head[at++] ?? 0;
      if (byte === HASH) {
        while (at < head.length && head[at] !== LF && head[at] !== CR) at++;
        at++;
        continue;
      }
      if (WHITESPACE.has(byte)) {
        if (text === '') continue;
        break;
      }
      text += String.fromCharCode(byte);
      if (text.length > MAX_TOKEN_LENGTH) throw netpbmError(`bad ${format} header: its ${name} is too long`);
    }
    if (!/^\+?\d+$/.test(text))
      throw netpbmError(`bad ${format} header: its ${name} is "${text}", not a number`);
    return Number(text);
  };
  const width = token('width');
  const height = token('height');
  const maxval = token('maxval');
  if (width === 0 || height === 0) throw netpbmError(`invalid ${format} size ${width}x${height}`);
  if (maxval < 1 || maxval > 65535) throw netpbmError(`invalid ${format} maxval ${maxval} (1 to 65535)`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw netpbmError(
      `the ${format} header declares ${width}×${height} pixels, more than the limit of ${MAX_IMAGE_PIXELS}`,
    );
  }
  assertDecodedSize({ format: format.toLowerCase(), width, height, channels: 3, bytesPerSample: 1 });
  const samples = width * height * kind.channels;
  // Plain samples take a digit each and whitespace between them.
  const dataBytes = kind.plain ? 2 * samples - 1 : samples * (maxval > 255 ? 2 : 1);
  const dataOffset = Math.min(at, head.length);
  if (dataOffset + dataBytes > fileBytes) {
    throw netpbmError(
      `truncated ${format} pixel data: the header declares ${width}×${height} pixels of maxval ${maxval}, ` +
        `${kind.plain ? 'at least ' : ''}${dataBytes} bytes from byte ${dataOffset}, but the file has ${fileBytes}`,
    );
  }
  return { ...kind, width, height, maxval, dataOffset };
}

/**
 * The 8-bit value of each possible sample, as Pillow computes it: `round(v / maxval * out)` (half to even) with
 * `out` 255, or 65535 for grey above maxval 255 (Pillow's mode I) which `convert('RGB')` then clips to 255.
 * Pillow copies binary samples as they are when maxval is 255, and 16-bit grey when it is 65535.
 */
function sampleTable(layout: NetpbmLayout): Uint8Array {
  const { maxval, plain } = layout;
  const wide = maxval > 255;
  const table = new Uint8Array(plain ? maxval + 1 : wide ? 65536 : 256);
  const modeI = layout.channels === 1 && wide;
  const raw = !plain && (maxval === 255 || (modeI && maxval === 65535));
  const out = modeI ? 65535 : 255;
  for (let v = 0; v < table.length; v++) {
    const value = raw ? v : Math.min(out, roundHalfEven((v / maxval) * out));
    table[v] = Math.min(255, value);
  }
  return table;
}

/** Python's `round` of a float: to the nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return fraction < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Takes the sample data in pieces (`write`) and gives the RGB image once all the samples came (`finish`). */
interface SampleDecoder {
  write(bytes: Uint8Array): void;
  done(): boolean;
  finish(): RawImage;
}

function sampleDecoder(layout: NetpbmLayout): SampleDecoder {
  const { width, height, channels } = layout;
  const table = sampleTable(layout);
  const data = new Uint8Array(width * height * 3);
  const total = width * height * channels;
  let count = 0;
  const put =
    channels === 3
      ? (value: number) => {
          data[count++] = table[value] ?? 0;
        }
      : (value: number) => {
          const grey = table[value] ?? 0;
          data[count * 3] = grey;
          data[count * 3 + 1] = grey;
          data[count * 3 + 2] = grey;
          count++;
        };
  const format = channels === 1 ? 'PGM' : 'PPM';
  const finish = (): RawImage => {
    if (count < total) {
      throw netpbmError(
        `truncated ${format} pixel data: the file ends after ${count} of the ${total} samples its ${width}×${height} header declares`,
      );
    }
    return { data, width, height, channels: 3 };
  };
  const done = () => count === total;
  return layout.plain
    ? plainSamples(layout, put, done, finish, format)
    : binarySamples(layout, put, done, finish);
}

function binarySamples(
  layout: NetpbmLayout,
  put: (value: number) => void,
  done: () => boolean,
  finish: () => RawImage,
): SampleDecoder {
  const total = layout.width * layout.height * layout.channels;
  let written = 0;
  return {
    write(bytes) {
      if (layout.maxval > 255) {
        const n = Math.min(total - written, bytes.length >> 1);
        for (let i = 0; i < n; i++) put(((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
        written += n;
      } else {
        const n = Math.min(total - written, bytes.length);
        for (let i = 0; i < n; i++) put(bytes[i] ?? 0);
        written += n;
      }
    },
    done,
    finish,
  };
}

/**
 * Plain samples as Pillow reads them: decimal tokens between whitespace, each at most maxval; a comment is cut
 * out with the CR or LF that ends it, so the text on either side joins into one token.
 */
function plainSamples(
  layout: NetpbmLayout,
  put: (value: number) => void,
  done: () => boolean,
  finish: () => RawImage,
  format: string,
): SampleDecoder {
  let inComment = false;
  let text = '';
  const endToken = () => {
    if (!/^\+?\d+$/.test(text)) throw netpbmError(`bad ${format} sample "${text}": not a number`);
    const value = Number(text);
    if (value > layout.maxval) {
      throw netpbmError(`bad ${format} sample ${value}: more than the maxval ${layout.maxval}`);
    }
    put(value);
    text = '';
  };
  return {
    write(bytes) {
      for (let i = 0; i < bytes.length && !done(); i++) {
        const byte = bytes[i] ?? 0;
        if (inComment) {
          inComment = byte !== LF && byte !== CR;
        } else if (byte === HASH) {
          inComment = true;
        } else if (WHITESPACE.has(byte)) {
          if (text !== '') endToken();
        } else {
          text += String.fromCharCode(byte);
          if (text.length > MAX_TOKEN_LENGTH) {
            throw netpbmError(`bad ${format} sample "${text}…": longer than ${MAX_TOKEN_LENGTH} characters`);
          }
        }
      }
    },
    done,
    finish() {
      if (text !== '' && !done()) endToken();
      return finish();
    },
  };
}
