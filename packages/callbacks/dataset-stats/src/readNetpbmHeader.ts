import { ClsError } from '@nextplay/cls-core';

/** Pillow's whitespace in a Netpbm header: space, tab, LF, VT, FF, CR. */
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
const HASH = 0x23;
/** Pillow refuses a header token longer than this. */
const MAX_TOKEN_LENGTH = 10;

/** The Netpbm types training reads, by their magic number: grey (`pgm`) and RGB (`ppm`), plain or binary. */
const FORMATS: Readonly<Record<string, string>> = { P2: 'pgm', P3: 'ppm', P5: 'pgm', P6: 'ppm' };

export interface NetpbmHeader {
  readonly format: string;
  readonly width: number;
  readonly height: number;
}

/** True when `head`, a file's first bytes, is a PGM or PPM: `P2`, `P3`, `P5` or `P6` and whitespace. */
export function isNetpbm(head: Uint8Array): boolean {
  const magic = String.fromCharCode(head[0] ?? 0, head[1] ?? 0);
  return FORMATS[magic] !== undefined && WHITESPACE.has(head[2] ?? 0);
}

/**
 * The format and size of a PGM or PPM header in `head` (a file's first bytes, `isNetpbm`), read token by token
 * as Pillow and cls-data's decoder read it: width, height and maxval after any whitespace, `#` comments to the
 * next CR or LF. Undefined when the header runs past `head`; throws `DATA_IMAGE_UNREADABLE` for one that is
 * not numbers or whose maxval is outside 1–65535 (a size of 0 is left to the caller).
 */
export function readNetpbmHeader(head: Uint8Array, wholeFile: boolean): NetpbmHeader | undefined {
  const format = FORMATS[String.fromCharCode(head[0] ?? 0, head[1] ?? 0)] ?? 'ppm';
  let at = 3;
  const tokens: number[] = [];
  let text = '';
  while (tokens.length < 3) {
    if (at >= head.length) {
      if (!wholeFile) return undefined;
      if (text === '') throw unreadable(`truncated ${format} header`);
    }
    const byte = at < head.length ? (head[at++] ?? 0) : 0x20;
    if (byte === HASH) {
      while (at < head.length && head[at] !== 0x0a && head[at] !== 0x0d) at++;
      at++;
    } else if (WHITESPACE.has(byte)) {
      if (text === '') continue;
      if (!/^\+?\d+$/.test(text)) throw unreadable(`bad ${format} header: "${text}" is not a number`);
      tokens.push(Number(text));
      text = '';
    } else {
      text += String.fromCharCode(byte);
      if (text.length > MAX_TOKEN_LENGTH) throw unreadable(`bad ${format} header: a token is too long`);
    }
  }
  const [width = 0, height = 0, maxval = 0] = tokens;
  if (maxval < 1 || maxval > 65535) throw unreadable(`invalid ${format} maxval ${maxval} (1 to 65535)`);
  return { format, width, height };
}

function unreadable(reason: string): ClsError {
  return new ClsError('DATA_IMAGE_UNREADABLE', reason);
}
