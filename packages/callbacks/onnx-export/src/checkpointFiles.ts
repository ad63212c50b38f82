import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

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

/**
 * Whether the checkpoint holds `model` as it is in memory: the topology `model.save` writes, and its weights in
 * save order (`model.weights`, by original name) with the same shapes, dtypes and bytes. Exporting the model in
 * memory then spares rebuilding it from disk (about half a second for a ResNet-18). The file is compared weight
 * by weight through one reused buffer: a fresh 45 MB buffer alone costs a tenth of a second in page faults. False
 * when the checkpoint's files cannot be read or are laid out otherwise.
 */
export async function checkpointHoldsModel(checkpoint: string, model: LayersModel): Promise<boolean> {
  let saved: unknown;
  try {
    saved = JSON.parse(await readFile(join(checkpoint, MODEL_FILES[0]), 'utf8')) as unknown;
  } catch {
    return false;
  }
  if (saved === null || typeof saved !== 'object') return false;
  const { modelTopology, weightsManifest } = saved as Partial<tf.io.ModelJSON>;
  if (!Array.isArray(weightsManifest)) return false;
  const specs: unknown[] = [];
  for (const group of weightsManifest as unknown[]) {
    const weights = (group as { weights?: unknown } | null)?.weights;
    if (!Array.isArray(weights)) return false;
    specs.push(...(weights as unknown[]));
  }
  const weights = model.weights;
  const sameSpecs =
    specs.length === weights.length &&
    weights.every((weight, i) => {
      const spec = specs[i] as Partial<tf.io.WeightsManifestEntry> | null;
      return (
        spec?.name === weight.originalName &&
        spec.dtype === weight.dtype &&
        (weight.dtype === 'float32' || weight.dtype === 'int32') &&
        spec.quantization === undefined &&
        JSON.stringify(spec.shape) === JSON.stringify(weight.shape)
      );
    });
  if (!sameSpecs || JSON.stringify(model.toJSON(null, false)) !== JSON.stringify(modelTopology)) return false;

  let file;
  try {
    file = await open(join(checkpoint, MODEL_FILES[1]));
  } catch {
    return false;
  }
  try {
    const sizes = weights.map(
      (weight) => weight.shape.reduce((size: number, dim) => size * (dim ?? 0), 1) * 4,
    );
    if ((await file.stat()).size !== sizes.reduce((total, size) => total + size, 0)) return false;
    const chunk = Buffer.allocUnsafe(Math.max(0, ...sizes));
    let position = 0;
    for (const weight of weights) {
      const values = await weight.read().data();
      const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
      const { bytesRead } = await file.read(chunk, 0, bytes.length, position);
      position += bytesRead;
      if (bytesRead !== bytes.length || !bytes.equals(chunk.subarray(0, bytesRead))) return false;
    }
    return true;
  } finally {
    await file.close();
  }
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
