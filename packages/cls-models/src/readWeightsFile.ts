import { ClsError, RegularFileRefusal, readRegularFile } from '@nextplay/cls-core';

/**
 * Reads a weights file whole: a regular file (not a FIFO, a device such as `/dev/zero`, or a directory) of at
 * most `maxBytes`, as `readRegularFile` of `@nextplay/cls-core` reads it, with its refusals as
 * `CHECKPOINT_INVALID` and a file that cannot be opened as `CHECKPOINT_NOT_FOUND`.
 */
export async function readWeightsFile(path: string, maxBytes: number): Promise<Uint8Array> {
  try {
    return await readRegularFile(path, { maxBytes });
  } catch (error) {
    if (!(error instanceof RegularFileRefusal)) {
      throw new ClsError('CHECKPOINT_NOT_FOUND', `cannot read weights ${path}`, { cause: error });
    }
    throw new ClsError('CHECKPOINT_INVALID', `refusing to load ${path}: ${refusalRule(error)}`);
  }
}

function refusalRule(refusal: RegularFileRefusal): string {
  switch (refusal.reason) {
    case 'not-regular':
    case 'directory':
      return 'weights must be a regular file (not a FIFO, a device or a directory)';
    case 'too-large':
      return `${refusal.size} bytes is more than the ${refusal.maxBytes} a weights file may have`;
    case 'changed':
      return 'the file changed while it was read';
  }
}
