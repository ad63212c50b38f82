import { ClsError, RegularFileRefusal, readRegularFileSync } from '@nextplay/cls-core';

/** The most a recorded run file (`.hydra/config.yaml`, `.hydra/hydra.yaml`) may hold; real ones are a few KB. */
export const RUN_FILE_MAX_BYTES = 16 * 2 ** 20;

/**
 * A file of a run folder, which may come from someone else, as UTF-8 text: only a regular file (not a FIFO, a
 * device such as `/dev/zero`, or a directory) of at most `maxBytes`, as `readRegularFileSync` of
 * `@nextplay/cls-core` reads it. Anything else, or a file that cannot be read, is `CONFIG_PARSE` naming it.
 */
export function readRunFile(path: string, maxBytes = RUN_FILE_MAX_BYTES): string {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFileSync(path, { maxBytes });
  } catch (error) {
    if (error instanceof RegularFileRefusal) {
      throw new ClsError('CONFIG_PARSE', `refusing to read ${path}: ${refusalRule(error)}`);
    }
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ClsError('CONFIG_PARSE', `cannot read ${path} (${code})`, { cause: error });
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function refusalRule(refusal: RegularFileRefusal): string {
  switch (refusal.reason) {
    case 'not-regular':
    case 'directory':
      return 'not a regular file (a FIFO, a device or a directory)';
    case 'too-large':
      return `it is larger than ${refusal.maxBytes} bytes`;
    case 'changed':
      return 'the file changed while it was read';
  }
}
