import type { Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep, win32 } from 'node:path';
import { ClsError, RegularFileRefusal, readRegularFile } from '@nextplay/cls-core';
import { CHECKPOINT_LIMITS } from './checkpointLimits.js';
import { jsonNestingExceeds } from './jsonNesting.js';

/** A file of a checkpoint directory, checked to be a regular file inside it. */
export interface CheckpointFile {
  /** The path as the checkpoint names it (`<dir>/<name>`), for messages. */
  readonly path: string;
  /** Where it really is, every symlink resolved: inside the checkpoint directory. */
  readonly realPath: string;
  readonly size: number;
}

/**
 * Finds file `name` of checkpoint directory `dir`, as the checkpoint's file `referrer` names it (`model.json`
 * names its weight files), refusing anything that could read outside the directory or never end: absolute names
 * and `..` segments, symlinks whose target lies outside the directory (the path is resolved, then its prefix
 * checked), and anything but a regular file (a FIFO, a device such as `/dev/zero`, a directory). A missing file
 * is `CHECKPOINT_NOT_FOUND`.
 */
export async function locateCheckpointFile(
  dir: string,
  name: string,
  referrer?: string,
): Promise<CheckpointFile> {
  const path = join(dir, name);
  const refuse = (rule: string): never => {
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint file ${path}: ${rule}`);
  };
  const refuseName = (rule: string): never => {
    throw new ClsError(
      'CHECKPOINT_INVALID',
      `checkpoint file ${referrer ?? dir}: the file name ${JSON.stringify(name)} ${rule}`,
    );
  };
  if (name === '' || name.includes('\0')) refuseName('is empty or holds a NUL character');
  if (isAbsolute(name) || win32.isAbsolute(name)) {
    refuseName('is an absolute path; checkpoint files must be inside the checkpoint directory');
  }
  if (name.split(/[/\\]/).includes('..')) refuseName('leaves the checkpoint directory ("..")');
  let realDir: string;
  let realPath: string;
  let stats: Stats;
  try {
    realDir = await realpath(dir);
    realPath = await realpath(path);
    stats = await stat(realPath);
  } catch (error) {
    throw new ClsError('CHECKPOINT_NOT_FOUND', `checkpoint file ${path} is missing`, { cause: error });
  }
  const inside = relative(realDir, realPath);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    refuse(`it resolves to ${realPath}, outside the checkpoint directory ${realDir}`);
  }
  if (!stats.isFile()) refuse('not a regular file (a FIFO, a device or a directory)');
  return { path, realPath, size: stats.size };
}

/**
 * Reads a located checkpoint file whole into `into` (of exactly its size) or a new array, as `readRegularFile` of
 * `@nextplay/cls-core` reads it: opened non-blocking and without following a symlink swapped in since it was
 * located, and checked again on the open handle.
 */
export async function readCheckpointFile(
  file: CheckpointFile,
  into = new Uint8Array(file.size),
): Promise<Uint8Array> {
  const changed = () =>
    new ClsError('CHECKPOINT_INVALID', `checkpoint file ${file.path}: it changed while it was read`);
  if (into.length !== file.size) throw changed();
  try {
    return await readRegularFile(file.realPath, { maxBytes: file.size, noFollow: true, into });
  } catch (error) {
    // Located as a regular file of this size: whatever the open handle finds instead, it changed since.
    if (error instanceof RegularFileRefusal) throw changed();
    throw error;
  }
}

/**
 * Reads and parses JSON file `name` of checkpoint directory `dir` (`model.json`, `trainer_state.json`): located as
 * `locateCheckpointFile` does, at most `maxJsonBytes` long and `maxJsonDepth` deep. `missing` is the message
 * when the file does not exist.
 */
export async function readCheckpointJson(
  dir: string,
  name: string,
  missing: string,
): Promise<{ readonly file: CheckpointFile; readonly value: unknown }> {
  let file: CheckpointFile;
  try {
    file = await locateCheckpointFile(dir, name);
  } catch (error) {
    if (error instanceof ClsError && error.code === 'CHECKPOINT_NOT_FOUND') {
      throw new ClsError('CHECKPOINT_NOT_FOUND', missing, { cause: error });
    }
    throw error;
  }
  const refuse = (rule: string): never => {
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint file ${file.path}: ${rule}`);
  };
  if (file.size > CHECKPOINT_LIMITS.maxJsonBytes) {
    refuse(`${file.size} bytes is more than the ${CHECKPOINT_LIMITS.maxJsonBytes} it may have`);
  }
  const text = new TextDecoder().decode(await readCheckpointFile(file));
  if (jsonNestingExceeds(text, CHECKPOINT_LIMITS.maxJsonDepth)) {
    refuse(`it nests more than ${CHECKPOINT_LIMITS.maxJsonDepth} levels deep`);
  }
  try {
    return { file, value: JSON.parse(text) as unknown };
  } catch {
    return refuse('not valid JSON');
  }
}
