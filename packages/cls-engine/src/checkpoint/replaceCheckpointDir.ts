import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isCheckpointSibling, stagingName, trashName } from './checkpointSiblings.js';

let sequence = 0;

/**
 * Replaces checkpoint directory `dir` atomically: `fill` writes the new checkpoint into a sibling staging
 * directory (ending with `trainer_state.json`, which marks it complete), which then replaces `dir`. A crash leaves
 * either the old or the new checkpoint: between the two renames both complete copies exist as siblings, and the
 * loaders fall back to them (see `resolveCheckpointDir`).
 */
export async function replaceCheckpointDir(
  dir: string,
  fill: (staging: string) => Promise<void>,
): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  sequence += 1;
  const tag = `${process.pid}-${sequence}`;
  const staging = join(parent, stagingName(basename(dir), tag));
  const trash = join(parent, trashName(basename(dir), tag));
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging);
  try {
    await fill(staging);
    await syncDirectory(staging);
    // rename() cannot replace a non-empty directory, so the old one is moved aside first.
    let replaced = false;
    try {
      await rename(dir, trash);
      replaced = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await rename(staging, dir);
    await syncDirectory(parent);
    if (replaced) await rm(trash, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await removeStaleSiblings(parent, basename(dir));
}

/** Leftovers of saves killed mid-way (by this or an earlier process), now superseded by `dir`. */
async function removeStaleSiblings(parent: string, name: string): Promise<void> {
  for (const entry of await readdir(parent)) {
    if (isCheckpointSibling(name, entry)) await rm(join(parent, entry), { recursive: true, force: true });
  }
}

async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } catch {
    // Some filesystems cannot fsync a directory; the renames are still atomic.
  } finally {
    await directory.close();
  }
}
