import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** Why `readRegularFile` would not read a file. */
export type RegularFileRefusalReason = 'not-regular' | 'directory' | 'too-large' | 'changed';

/**
 * A file `readRegularFile` refused to read: a FIFO or a device (`not-regular`), a `directory`, one of more than
 * `maxBytes` (`too-large`), or one whose size was not what it was expected to be or that grew or shrank while it
 * was read (`changed`). Callers turn it into their own `ClsError`, naming the file and the rule.
 */
export class RegularFileRefusal extends Error {
  override readonly name = 'RegularFileRefusal';
  /** The file's size as the open handle reported it. */
  readonly size: number;
  readonly maxBytes: number;
  /** For `changed` while reading: the bytes there were, one more than `size` when it grew. */
  readonly bytesRead: number | undefined;

  constructor(
    readonly path: string,
    readonly reason: RegularFileRefusalReason,
    sizes: { readonly size: number; readonly maxBytes: number; readonly bytesRead?: number },
  ) {
    super(`${path}: ${refusalRule(reason, sizes.size, sizes.maxBytes)}`);
    this.size = sizes.size;
    this.maxBytes = sizes.maxBytes;
    this.bytesRead = sizes.bytesRead;
  }
}

function refusalRule(reason: RegularFileRefusalReason, size: number, maxBytes: number): string {
  switch (reason) {
    case 'not-regular':
      return 'not a regular file (a FIFO or a device)';
    case 'directory':
      return 'a directory, not a regular file';
    case 'too-large':
      return `${size} bytes is more than the ${maxBytes} it may have`;
    case 'changed':
      return 'the file changed while it was read';
  }
}

export interface RegularFileReadOptions {
  /** The most bytes the file may have; a larger one is refused before anything is read. */
  readonly maxBytes: number;
  /** Refuse a symbolic link at `path` itself (`O_NOFOLLOW`): opening it fails with `ELOOP`. */
  readonly noFollow?: boolean;
  /** The size the file must have, as the caller saw it earlier; another size is refused as `changed`. */
  readonly expectedSize?: number;
  /** Read into this array rather than a new one: the file must be exactly its length, else `changed`. */
  readonly into?: Uint8Array;
}

// Opening a FIFO for reading would wait for a writer; non-blocking, it opens at once and is refused on the open
// handle. (Windows has neither flag, and no FIFOs to open this way.)
const NON_BLOCKING = 'O_NONBLOCK' in constants ? constants.O_NONBLOCK : 0;
const NO_FOLLOW = 'O_NOFOLLOW' in constants ? constants.O_NOFOLLOW : 0;

function openFlags(options: RegularFileReadOptions): number {
  return constants.O_RDONLY | NON_BLOCKING | (options.noFollow === true ? NO_FOLLOW : 0);
}

/**
 * Reads the file at `path` whole, only when it is a regular file (not a FIFO, a device such as `/dev/zero`, or a
 * directory) of at most `options.maxBytes`: opened non-blocking, so a FIFO cannot hang the read, and checked on
 * the open handle, so nothing swapped in after a caller's own check is read. A file that grows or shrinks while
 * it is read is refused too. Throws `RegularFileRefusal` for those; errors of opening and reading (`ENOENT`,
 * `EACCES`, `ELOOP` …) pass through unchanged.
 */
export async function readRegularFile(path: string, options: RegularFileReadOptions): Promise<Uint8Array> {
  const handle = await open(path, openFlags(options));
  try {
    const size = checkedSize(path, await handle.stat(), options);
    const bytes = options.into ?? new Uint8Array(size);
    let filled = 0;
    for (let read = -1; read !== 0 && filled < size; filled += read) {
      ({ bytesRead: read } = await handle.read(bytes, filled, size - filled, filled));
    }
    // One byte past the end: a file that grew since fstat is refused rather than read without end.
    if (filled === size) filled += (await handle.read(new Uint8Array(1), 0, 1, size)).bytesRead;
    if (filled !== size) throw changed(path, size, options, filled);
    return bytes;
  } finally {
    await handle.close();
  }
}

/** `readRegularFile`, synchronously. */
export function readRegularFileSync(path: string, options: RegularFileReadOptions): Uint8Array {
  const fd = openSync(path, openFlags(options));
  try {
    const size = checkedSize(path, fstatSync(fd), options);
    const bytes = options.into ?? new Uint8Array(size);
    let filled = 0;
    for (let read = -1; read !== 0 && filled < size; filled += read) {
      read = readSync(fd, bytes, filled, size - filled, filled);
    }
    if (filled === size) filled += readSync(fd, new Uint8Array(1), 0, 1, size);
    if (filled !== size) throw changed(path, size, options, filled);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** The size of the opened file, once it is known to be one that may be read. */
function checkedSize(path: string, stats: Stats, options: RegularFileReadOptions): number {
  const sizes = { size: stats.size, maxBytes: options.maxBytes };
  if (stats.isDirectory()) throw new RegularFileRefusal(path, 'directory', sizes);
  if (!stats.isFile()) throw new RegularFileRefusal(path, 'not-regular', sizes);
  const { expectedSize, into } = options;
  if (
    (expectedSize !== undefined && stats.size !== expectedSize) ||
    (into !== undefined && stats.size !== into.length)
  ) {
    throw new RegularFileRefusal(path, 'changed', sizes);
  }
  if (stats.size > options.maxBytes) throw new RegularFileRefusal(path, 'too-large', sizes);
  return stats.size;
}

function changed(path: string, size: number, options: RegularFileReadOptions, bytesRead: number) {
  return new RegularFileRefusal(path, 'changed', { size, maxBytes: options.maxBytes, bytesRead });
}
