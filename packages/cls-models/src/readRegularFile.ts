import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ClsError } from '@nextplay/cls-core';

/**
 * Reads a weights file whole, after checking it is a regular file (not a FIFO, a device such as `/dev/zero`, or
 * a directory) of at most `maxBytes`. Opened non-blocking, so a FIFO swapped in after the check cannot hang the
 * read, and checked again on the open handle.
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<Uint8Array> {
  let size: number;
  try {
    const stats = await stat(path);
    if (!stats.isFile()) throw notRegular(path);
    size = stats.size;
  } catch (error) {
    if (error instanceof ClsError) throw error;
    throw new ClsError('CHECKPOINT_NOT_FOUND', `cannot read weights ${path}`, { cause: error });
  }
  if (size > maxBytes) {
    throw new ClsError(
      'CHECKPOINT_INVALID',
      `refusing to load ${path}: ${size} bytes is more than the ${maxBytes} a weights file may have`,
    );
  }
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw notRegular(path);
    if (opened.size !== size) throw changed(path);
    const bytes = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) throw changed(path);
      filled += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

function notRegular(path: string): ClsError {
  return new ClsError(
    'CHECKPOINT_INVALID',
    `refusing to load ${path}: weights must be a regular file (not a FIFO, a device or a directory)`,
  );
}

function changed(path: string): ClsError {
  return new ClsError('CHECKPOINT_INVALID', `refusing to load ${path}: the file changed while it was read`);
}
