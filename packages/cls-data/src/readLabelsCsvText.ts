import { ClsError } from '@nextplay/cls-core';
import { readImageFile } from './readImageFile.js';

/**
 * The most bytes a `_classes.csv` may have: a row is a file name (Roboflow's `…_jpg.rf.<hash>.jpg`, about 60
 * bytes) and `, 0` per class, so 64 MiB holds some 400,000 images of thirty classes or 70,000 of three hundred.
 * Read whole and parsed row by row, it then costs a few hundred MB at most.
 */
export const LABELS_CSV_MAX_BYTES = 64 * 1024 ** 2;

/**
 * The text of a labels CSV, without a UTF-8 byte order mark. Read only when it is a regular file (a symbolic
 * link is followed to one) of at most `LABELS_CSV_MAX_BYTES`: a FIFO, a device such as `/dev/zero` or a huge file
 * is a `DATA_LABELS_INVALID` naming the file and the rule, never a hang or an out-of-memory crash.
 */
export async function readLabelsCsvText(path: string): Promise<string> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readImageFile(path, LABELS_CSV_MAX_BYTES);
  } catch (error) {
    const reason =
      error instanceof ClsError
        ? 'it must be a regular file (not a FIFO, a device or a directory)'
        : `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    throw new ClsError('DATA_LABELS_INVALID', `${path}: ${reason}`, { cause: error });
  }
  if (bytes === undefined) {
    throw new ClsError(
      'DATA_LABELS_INVALID',
      `${path}: larger than the ${LABELS_CSV_MAX_BYTES / 1024 ** 2} MiB a labels CSV may have`,
    );
  }
  return new TextDecoder().decode(bytes);
}
