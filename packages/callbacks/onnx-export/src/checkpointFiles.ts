import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/*
 * What this callback reads of the engine's checkpoint directory (cls-engine's checkpointFileNames). Both readers
 * degrade gracefully for a checkpoint laid out otherwise: the sidecar then says `null`, and models are
 * compared after converting instead of before loading.
 */
const TRAINER_STATE_JSON = 'trainer_state.json';
const MODEL_FILES = ['model.json', 'weights.bin'] as const;

/** The training progress a checkpoint was written at. */
export interface CheckpointProgress {
  /** 0-based, as in metrics.csv. */
  readonly epoch: number | null;
  readonly globalStep: number | null;
}

/** The epoch and step recorded in the checkpoint's `trainer_state.json`; nulls when it cannot be read. */
export async function readCheckpointProgress(checkpoint: string): Promise<CheckpointProgress> {
  try {
    const state = JSON.parse(await readFile(join(checkpoint, TRAINER_STATE_JSON), 'utf8')) as unknown;
    if (state === null || typeof state !== 'object') return { epoch: null, globalStep: null };
    const { epoch, global_step: globalStep } = state as Record<string, unknown>;
    return {
      epoch: Number.isInteger(epoch) ? (epoch as number) : null,
      globalStep: Number.isInteger(globalStep) ? (globalStep as number) : null,
    };
  } catch {
    return { epoch: null, globalStep: null };
  }
}

/**
 * Whether two checkpoint directories hold the same model (topology and weights): their model files are the same
 * files (the engine hard-links `best`/`last` to the epoch checkpoint) or have the same bytes. False when a file
 * cannot be read. Different weights differ in the first chunk, so this reads little unless they are equal.
 */
export async function sameCheckpointModel(a: string, b: string): Promise<boolean> {
  for (const file of MODEL_FILES) {
    const [pathA, pathB] = [join(a, file), join(b, file)];
    const stats = await Promise.all([stat(pathA), stat(pathB)]).catch(() => undefined);
    if (stats === undefined) return false;
    const [statA, statB] = stats;
    if (statA.dev === statB.dev && statA.ino === statB.ino) continue;
    if (statA.size !== statB.size || !(await sameBytes(pathA, pathB))) return false;
  }
  return true;
}

const CHUNK_BYTES = 1 << 20;

async function sameBytes(pathA: string, pathB: string): Promise<boolean> {
  const [fileA, fileB] = await Promise.all([open(pathA), open(pathB)]);
  try {
    const [chunkA, chunkB] = [Buffer.alloc(CHUNK_BYTES), Buffer.alloc(CHUNK_BYTES)];
    for (;;) {
      const [readA, readB] = await Promise.all([
        fileA.read(chunkA, 0, CHUNK_BYTES),
        fileB.read(chunkB, 0, CHUNK_BYTES),
      ]);
      if (readA.bytesRead !== readB.bytesRead) return false;
      if (readA.bytesRead === 0) return true;
      if (!chunkA.subarray(0, readA.bytesRead).equals(chunkB.subarray(0, readB.bytesRead))) return false;
    }
  } finally {
    await Promise.all([fileA.close(), fileB.close()]);
  }
}
