import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSkippedImagesCsv, SKIPPED_IMAGES_CSV, type SkippedImage } from '@nextplay/cls-core';

/**
 * The images the data module left out as unreadable, from `<runDir>/skipped_images.csv`: the trainer writes it
 * before the fit starts, and it is the only way a callback sees them (`TrainerContext.data` is a
 * `DataModuleInfo`, which does not hold `skippedImages`). Empty when there is no such file (a dataset that does
 * not read files).
 */
export async function readSkippedImages(runDir: string): Promise<SkippedImage[]> {
  let text: string;
  try {
    text = await readFile(join(runDir, SKIPPED_IMAGES_CSV), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseSkippedImagesCsv(text);
}
