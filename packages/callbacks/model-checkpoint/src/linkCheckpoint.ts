import { copyFile, link, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Written last by the engine and here: a directory holding it is a complete checkpoint. */
const COMPLETION_MARKER = 'trainer_state.json';

let sequence = 0;

/**
 * Makes `target` a checkpoint identical to `source` without writing it again: its files are hard links to
 * `source`'s (copies where the filesystem cannot link), so `best` and `last` cost no disk space or time when they
 * are the checkpoint just saved, and stay intact when `source` is later deleted. Replaces `target` the way the
 * engine writes checkpoints: staged in `<target>.tmp-<tag>`, the old one moved to `<target>.old-<tag>`, so the
 * engine's loaders recover from a kill between the two renames.
 */
export async function linkCheckpoint(source: string, target: string): Promise<void> {
  const parent = dirname(target);
  sequence += 1;
  const tag = `${process.pid}-link${sequence}`;
  const staging = join(parent, `${basename(target)}.tmp-${tag}`);
  const trash = join(parent, `${basename(target)}.old-${tag}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const files = (await readdir(source)).sort(
      (a, b) => Number(a === COMPLETION_MARKER) - Number(b === COMPLETION_MARKER),
    );
    for (const file of files) await linkOrCopy(join(source, file), join(staging, file));
    let replaced = false;
    try {
      await rename(target, trash);
      replaced = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await rename(staging, target);
    if (replaced) await rm(trash, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}
