import { copyFile, link, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TRAINER_STATE_JSON } from './checkpointFileNames.js';
import { replaceCheckpointDir } from './replaceCheckpointDir.js';

/**
 * Makes `target` a checkpoint identical to `source` without writing it again: its files are hard links to
 * `source`'s (copies where the filesystem cannot link), so a `best` or `last` that is the checkpoint just saved
 * costs no disk space or time, and stays intact when `source` is later deleted. Replaced atomically, as
 * `saveCheckpoint` replaces a checkpoint.
 */
export async function linkCheckpoint(source: string, target: string): Promise<void> {
  // trainer_state.json last: it marks a staged checkpoint complete.
  const files = (await readdir(source)).sort(
    (a, b) => Number(a === TRAINER_STATE_JSON) - Number(b === TRAINER_STATE_JSON),
  );
  await replaceCheckpointDir(target, async (staging) => {
    for (const file of files) await linkOrCopy(join(source, file), join(staging, file));
  });
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}
