import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ClsError } from '@nextplay/cls-core';

/** The most a recorded run file (`.hydra/config.yaml`, `.hydra/hydra.yaml`) may hold; real ones are a few KB. */
export const RUN_FILE_MAX_BYTES = 16 * 2 ** 20;

/**
 * A file of a run folder, which may come from someone else, as UTF-8 text: only a regular file (not a FIFO, a
 * device such as `/dev/zero`, or a directory) of at most `maxBytes`. Opened non-blocking, so a FIFO cannot hang
 * the read, and checked on the open handle, so nothing swapped in after the check is read.
 */
export function readRunFile(path: string, maxBytes = RUN_FILE_MAX_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ClsError('CONFIG_PARSE', `cannot read ${path} (${code})`, { cause: error });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw new ClsError(
        'CONFIG_PARSE',
        `refusing to read ${path}: not a regular file (a FIFO, a device or a directory)`,
      );
    }
    if (stats.size > maxBytes) throw tooLarge(path, maxBytes);
    // One byte more than fstat said: a file that grew since is refused rather than read without end.
    const buffer = Buffer.alloc(stats.size + 1);
    let filled = 0;
    for (let read = -1; read !== 0 && filled < buffer.length; filled += read) {
      read = readSync(fd, buffer, filled, buffer.length - filled, filled);
    }
    if (filled > stats.size) {
      throw new ClsError('CONFIG_PARSE', `refusing to read ${path}: the file changed while it was read`);
    }
    return buffer.subarray(0, filled).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, maxBytes: number): ClsError {
  return new ClsError('CONFIG_PARSE', `refusing to read ${path}: it is larger than ${maxBytes} bytes`);
}
