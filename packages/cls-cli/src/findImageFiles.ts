import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ClsError } from '@nextplay/cls-core';
import { IMAGE_EXTENSIONS, isImageFileName } from '@nextplay/cls-data';

/** An image to classify: its absolute path and the name it goes by in the predictions. */
export interface ImageFile {
  readonly path: string;
  /** Relative to the input folder (`/`-separated), or the input as given when it is a file. */
  readonly name: string;
}

/**
 * The images `predict.input` names: the file itself, or every image under the folder (recursively, hidden
 * entries skipped, the extensions an ImageFolder reads) in sorted order.
 */
export async function findImageFiles(input: string, given: string): Promise<ImageFile[]> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(input)).isDirectory();
  } catch (error) {
    throw new ClsError('DATA_ROOT_MISSING', `predict.input ${input} does not exist`, { cause: error });
  }
  if (!isDirectory) return [{ path: input, name: given }];
  const paths: string[] = [];
  await collect(input, paths);
  if (paths.length === 0) {
    throw new ClsError(
      'DATA_SPLIT_EMPTY',
      `no images in ${input} (searched recursively for ${IMAGE_EXTENSIONS.join(' ')})`,
    );
  }
  return paths
    .map((path) => ({ path, name: relative(input, path).split(sep).join('/') }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function collect(dir: string, paths: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await collect(path, paths);
    else if (isImageFileName(entry.name)) paths.push(path);
  }
}
