import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes `data` to a temporary file beside `path`, then renames it over `path`: readers never see half a file. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await replaceAtomically(path, (temporary) => writeFile(temporary, data));
}

/**
 * Makes `path` a hard link to the file `source` (a copy of its bytes, `data`, where the filesystem cannot link),
 * replacing it atomically: an identical export costs no second write.
 */
export async function linkFileAtomic(source: string, path: string, data: Uint8Array): Promise<void> {
  await replaceAtomically(path, (temporary) =>
    link(source, temporary).catch(() => writeFile(temporary, data)),
  );
}

async function replaceAtomically(path: string, create: (temporary: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await create(temporary);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
