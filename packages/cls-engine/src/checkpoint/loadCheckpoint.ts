import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ClsError, type ClassifierModel } from '@nextplay/cls-core';
import { readModelArtifacts } from './checkpointFiles.js';
import { TRAINER_STATE_JSON, TRAINING_STATE_BIN } from './checkpointFileNames.js';
import { resolveCheckpointDir } from './checkpointSiblings.js';
import type { ResumeState } from './resumeState.js';
import type { TrainerState } from './saveCheckpoint.js';

/**
 * Loads a checkpoint's weights into an existing model of the same architecture: by weight name when every name
 * matches (same model instance), otherwise by position when the shapes agree (the same architecture built again,
 * whose auto-generated layer names differ).
 */
export async function loadCheckpointWeights(model: ClassifierModel, dir: string): Promise<void> {
  const artifacts = await readModelArtifacts(dir);
  const specs = artifacts.weightSpecs ?? [];
  const named = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), specs);
  try {
    const targets = model.weights;
    const byName = targets.map((w) => named[w.originalName]);
    const ordered = specs.map((spec) => named[spec.name]);
    const values = byName.every((t) => t !== undefined) ? byName : ordered;
    const mismatch = describeMismatch(
      targets.map((w) => w.shape),
      values.map((t) => t?.shape),
    );
    if (mismatch !== undefined) {
      throw new ClsError('CHECKPOINT_INVALID', `checkpoint ${dir} does not fit the model: ${mismatch}`);
    }
    model.setWeights(values as tf.Tensor[]);
  } finally {
    tf.dispose(Object.values(named));
  }
}

/** Rebuilds the model saved in a checkpoint (topology and weights). */
export async function loadCheckpointModel(dir: string): Promise<tfl.LayersModel> {
  const artifacts = await readModelArtifacts(dir);
  try {
    return await tfl.loadLayersModel({ load: () => Promise.resolve(artifacts) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint ${dir} cannot be loaded as a model: ${message}`, {
      cause: error,
    });
  }
}

export async function loadTrainerState(checkpoint: string): Promise<TrainerState> {
  const dir = await resolveCheckpointDir(checkpoint);
  let text: string;
  try {
    text = await readFile(join(dir, TRAINER_STATE_JSON), 'utf8');
  } catch (error) {
    throw new ClsError('CHECKPOINT_NOT_FOUND', `checkpoint ${dir} has no ${TRAINER_STATE_JSON}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as TrainerState;
  } catch (error) {
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint ${dir}: ${TRAINER_STATE_JSON} is not valid JSON`, {
      cause: error,
    });
  }
}

/** A checkpoint's resume state with its tensors (the caller disposes them). */
export interface LoadedResumeState {
  readonly trainerState: TrainerState;
  readonly resume: ResumeState;
  readonly tensors: Record<string, tf.Tensor>;
}

/** Reads what resuming from a checkpoint written by `fit` needs besides the model weights. */
export async function loadResumeState(checkpoint: string): Promise<LoadedResumeState> {
  const dir = await resolveCheckpointDir(checkpoint);
  const trainerState = await loadTrainerState(dir);
  const resume = trainerState.resume;
  if (resume?.format !== 1) {
    throw new ClsError(
      'CHECKPOINT_INVALID',
      `checkpoint ${checkpoint} has no resume state (written by an export or an older version); it can initialise weights but not resume`,
    );
  }
  if (resume.tensors.length === 0) return { trainerState, resume, tensors: {} };
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, TRAINING_STATE_BIN));
  } catch (error) {
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint ${checkpoint}: ${TRAINING_STATE_BIN} is missing`, {
      cause: error,
    });
  }
  const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    return { trainerState, resume, tensors: tf.io.decodeWeights(data, [...resume.tensors]) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint ${checkpoint}: ${TRAINING_STATE_BIN}: ${message}`, {
      cause: error,
    });
  }
}

function describeMismatch(
  expected: readonly (readonly (number | null)[])[],
  actual: readonly (readonly number[] | undefined)[],
): string | undefined {
  if (expected.length !== actual.length)
    return `${actual.length} weights saved, the model has ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i] ?? [];
    const got = actual[i];
    if (got === undefined) return `weight ${i} is missing`;
    if (want.length !== got.length || want.some((d, k) => d !== got[k])) {
      return `weight ${i} has shape [${got.join(',')}], the model expects [${want.join(',')}]`;
    }
  }
  return undefined;
}
