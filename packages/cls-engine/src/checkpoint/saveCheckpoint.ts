import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ClassifierModel, JsonValue } from '@nextplay/cls-core';
import { MODEL_JSON, TRAINER_STATE_JSON, WEIGHTS_BIN, captureModelFiles } from './checkpointFiles.js';

/** `trainer_state.json`: where training was and what a later run needs to use the weights. */
export interface TrainerState {
  readonly epoch: number;
  readonly global_step: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly classes: readonly string[];
  readonly model: Readonly<Record<string, JsonValue>>;
  readonly image_size: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

let sequence = 0;

/**
 * Writes `model.json`, `weights.bin` and `trainer_state.json` to `dir` atomically: into a sibling temporary
 * directory first (files fsynced), which then replaces `dir`. A crash leaves either the old or the new checkpoint.
 */
export async function saveCheckpoint(
  model: ClassifierModel,
  dir: string,
  state: TrainerState,
): Promise<void> {
  const { handler, files } = captureModelFiles();
  await model.save(handler);
  const { modelJson, weights } = files();

  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  sequence += 1;
  const tag = `${process.pid}-${sequence}`;
  const staging = join(parent, `${basename(dir)}.tmp-${tag}`);
  const trash = join(parent, `${basename(dir)}.old-${tag}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging);
  try {
    await writeDurably(join(staging, MODEL_JSON), modelJson);
    await writeDurably(join(staging, WEIGHTS_BIN), weights);
    await writeDurably(join(staging, TRAINER_STATE_JSON), `${JSON.stringify(state, null, 2)}\n`);
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
}

async function writeDurably(path: string, contents: string | Uint8Array): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.writeFile(contents);
    await file.sync();
  } finally {
    await file.close();
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
