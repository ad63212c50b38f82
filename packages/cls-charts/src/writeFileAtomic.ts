import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

let staged = 0;

/** Writes `path` through a staging file and a rename, so a reader never sees half a file. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const staging = `${path}.writing-${process.pid}-${++staged}`;
  try {
    await writeFile(staging, content);
    await rename(staging, path);
  } catch (error) {
    await rm(staging, { force: true });
    throw error;
  }
}
