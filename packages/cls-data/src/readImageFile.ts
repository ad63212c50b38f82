import { close, constants, fstat, open, read } from 'node:fs';
import { promisify } from 'node:util';
import { ClsError } from '@nextplay/cls-core';

const openFile = promisify(open);
const statFile = promisify(fstat);
const readFile = promisify(read);
const closeFile = promisify(close);

/**
 * Opening a FIFO for reading would wait for a writer; non-blocking, it opens at once and is refused. (Windows
 * has no `O_NONBLOCK`, and no FIFOs to open this way.)
 */
const OPEN_FLAGS = constants.O_RDONLY | ('O_NONBLOCK' in constants ? constants.O_NONBLOCK : 0);

/** An open image file: its descriptor and size. Close it with `closeImageFile`. */
export interface ImageFile {
  readonly fd: number;
  readonly size: number;
}

function notRegularFile(): ClsError {
  return new ClsError('DATA_IMAGE_UNREADABLE', 'not a regular file');
}

/**
 * Opens `path` for reading and checks that it is a regular file (a symbolic link is followed to one): a FIFO,
 * socket or device such as `/dev/zero` is refused with `DATA_IMAGE_UNREADABLE` rather than read forever.
 */
export async function openImageFile(path: string): Promise<ImageFile> {
  const fd = await openFile(path, OPEN_FLAGS);
  try {
    const stats = await statFile(fd);
    if (!stats.isFile()) throw notRegularFile();
    return { fd, size: stats.size };
  } catch (error) {
    await closeFile(fd);
    throw error;
  }
}

export function closeImageFile(file: ImageFile): Promise<void> {
  return closeFile(file.fd);
}

/** Fills `target` from `position` of the file; the number of bytes read, fewer at the end of the file. */
export async function readImageBytes(file: ImageFile, target: Uint8Array, position: number): Promise<number> {
  let filled = 0;
  while (filled < target.length) {
    const { bytesRead } = await readFile(file.fd, target, filled, target.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * The whole of the image file at `path` when it has at most `maxBytes` bytes, or undefined when it is larger (for
 * the caller to hand to a decoder that reads as it goes). Refuses what is not a regular file, as `openImageFile`.
 * One chain of callbacks rather than a promise per step: for the small files of a dataset such as MNIST that
 * halves the cost.
 */
export function readImageFile(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    open(path, OPEN_FLAGS, (openError, fd) => {
      if (openError !== null) {
        reject(openError);
        return;
      }
      const finish = (error: Error | undefined, bytes?: Uint8Array) => {
        close(fd, (closeError) => {
          if (error !== undefined) reject(error);
          else if (closeError !== null) reject(closeError);
          else resolve(bytes);
        });
      };
      fstat(fd, (statError, stats) => {
        if (statError !== null) {
          finish(statError);
          return;
        }
        if (!stats.isFile()) {
          finish(notRegularFile());
          return;
        }
        if (stats.size > maxBytes) {
          finish(undefined);
          return;
        }
        const bytes = Buffer.allocUnsafe(stats.size);
        const readFrom = (filled: number): void => {
          if (filled === bytes.length) {
            finish(undefined, bytes);
            return;
          }
          read(fd, bytes, filled, bytes.length - filled, filled, (readError, bytesRead) => {
            if (readError !== null) finish(readError);
            else if (bytesRead === 0) finish(undefined, bytes.subarray(0, filled));
            else readFrom(filled + bytesRead);
          });
        };
        readFrom(0);
      });
    });
  });
}
