import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

let staged = 0;

/**
 * Writes `content` to `path` through a staging file beside it and a rename, so a reader sees the old file or the
 * new one, never half of one. Creates missing parent directories.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await replaceAtomically(path, (staging) => writeFile(staging, content));
}

/**
 * Makes `path` a hard link to the file `source`, replacing it atomically as `writeFileAtomic` does, so identical
 * bytes cost no second write. Where the filesystem cannot link, writes `fallbackContent` (the bytes of `source`).
 */
export async function linkFileAtomic(
  source: string,
  path: string,
  fallbackContent: string | Uint8Array,
): Promise<void> {
  await replaceAtomically(path, (staging) =>
    link(source, staging).catch(() => writeFile(staging, fallbackContent)),
  );
}

async function replaceAtomically(path: string, create: (staging: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // The counter keeps one thread's writes apart, the random part separates worker threads sharing the pid.
  const staging = `${path}.${process.pid}-${++staged}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await create(staging);
    await rename(staging, path);
  } catch (error) {
    await rm(staging, { force: true });
    throw error;
  }
}
