import { access, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TRAINER_STATE_JSON } from './checkpointFileNames.js';

// A checkpoint `<name>` is saved as `<name>.tmp-<tag>`, then the old `<name>` moves to `<name>.old-<tag>` and the
// new one is renamed into place. Tags are `<pid>-<sequence>`.

export function stagingName(name: string, tag: string): string {
  return `${name}.tmp-${tag}`;
}

export function trashName(name: string, tag: string): string {
  return `${name}.old-${tag}`;
}

export function isCheckpointSibling(name: string, entry: string): boolean {
  return entry.startsWith(`${name}.tmp-`) || entry.startsWith(`${name}.old-`);
}

/**
 * The directory to read checkpoint `dir` from. Normally `dir` itself; when a save was killed between moving the
 * old checkpoint aside and renaming the new one into place, `dir` is missing and a complete sibling is used
 * instead: the newest complete staging directory (its `trainer_state.json` is written last), else the old one.
 */
export async function resolveCheckpointDir(dir: string): Promise<string> {
  if (await exists(dir)) return dir;
  const parent = dirname(dir);
  const name = basename(dir);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return dir;
  }
  const candidates: { path: string; staged: boolean; mtime: number }[] = [];
  for (const entry of entries) {
    if (!isCheckpointSibling(name, entry)) continue;
    const path = join(parent, entry);
    if (!(await exists(join(path, TRAINER_STATE_JSON)))) continue;
    candidates.push({ path, staged: entry.startsWith(`${name}.tmp-`), mtime: (await stat(path)).mtimeMs });
  }
  candidates.sort((a, b) => Number(b.staged) - Number(a.staged) || b.mtime - a.mtime);
  return candidates[0]?.path ?? dir;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
