import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ClsError, type ClassifierModel } from '@nextplay/cls-core';
import {
  locateCheckpointFile,
  readCheckpointFile,
  readCheckpointJson,
  type CheckpointFile,
} from './checkpointFile.js';
import { loadWithBoundedInit } from './boundedWeightInit.js';
import { readModelArtifacts } from './checkpointFiles.js';
import { CHECKPOINT_LIMITS } from './checkpointLimits.js';
import { checkTrainerState } from './checkTrainerState.js';
import { checkWeightSpecs } from './checkWeightSpecs.js';
import { MODEL_JSON, TRAINER_STATE_JSON, TRAINING_STATE_BIN } from './checkpointFileNames.js';
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
  const declaredValues = (artifacts.weightSpecs ?? []).reduce(
    (sum, spec) => sum + spec.shape.reduce((n, d) => n * d, 1),
    0,
  );
  let model: tfl.LayersModel;
  try {
    // The topology alone first (with weights, tfjs would fill every layer with unbounded zeros), then the weights.
    model = await loadWithBoundedInit(
      artifacts.modelTopology,
      declaredValues,
      join(await resolveCheckpointDir(dir), MODEL_JSON),
      (modelTopology) =>
        tfl.loadLayersModel({
          load: () => Promise.resolve({ modelTopology: modelTopology as tf.io.ModelJSON['modelTopology'] }),
        }),
    );
    const named = tf.io.decodeWeights(
      artifacts.weightData ?? new ArrayBuffer(0),
      artifacts.weightSpecs ?? [],
    );
    try {
      model.loadWeights(named, true);
    } catch (error) {
      model.dispose();
      throw error;
    } finally {
      tf.dispose(Object.values(named));
    }
  } catch (error) {
    if (error instanceof ClsError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint ${dir} cannot be loaded as a model: ${message}`, {
      cause: error,
    });
  }
  checkModelShapes(model, await resolveCheckpointDir(dir));
  return model;
}

/** Reads a checkpoint's `trainer_state.json`, every field checked (`checkTrainerState`). */
export async function loadTrainerState(checkpoint: string): Promise<TrainerState> {
  const dir = await resolveCheckpointDir(checkpoint);
  const { file, value } = await readCheckpointJson(
    dir,
    TRAINER_STATE_JSON,
    `checkpoint ${dir} has no ${TRAINER_STATE_JSON}`,
  );
  return checkTrainerState(value, file.path);
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
  let file: CheckpointFile;
  try {
    file = await locateCheckpointFile(dir, TRAINING_STATE_BIN);
  } catch (error) {
    if (!(error instanceof ClsError) || error.code !== 'CHECKPOINT_NOT_FOUND') throw error;
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint ${checkpoint}: ${TRAINING_STATE_BIN} is missing`, {
      cause: error,
    });
  }
  const { bytes: expected } = checkWeightSpecs(resume.tensors, `checkpoint file ${file.path}`);
  if (file.size !== expected) {
    throw new ClsError(
      'CHECKPOINT_INVALID',
      `checkpoint file ${file.path}: ${file.size} bytes, but ${TRAINER_STATE_JSON} declares tensors of ${expected} bytes`,
    );
  }
  const bytes = await readCheckpointFile(file);
  try {
    return {
      trainerState,
      resume,
      tensors: tf.io.decodeWeights(bytes.buffer as ArrayBuffer, [...resume.tensors]),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint file ${file.path}: ${message}`, {
      cause: error,
    });
  }
}

/** Values of one input example: those of the largest image a checkpoint may declare, with four channels. */
const MAX_INPUT_VALUES = CHECKPOINT_LIMITS.maxImageSize ** 2 * 4;

/**
 * A loaded checkpoint model must take one input of at most `MAX_INPUT_VALUES` values per example (predict and
 * export feed it batches of that size), with a free batch dimension.
 */
/**
 * An image classifier's layers shrink or keep what they are given: none outputs more values per example than
 * `MAX_LAYER_GROWTH` times its input's (a ResNet's stem: 5.3×, a 64-filter stride-1 stem: 21×) or
 * `MAX_LAYER_OUTPUT_VALUES` (512 MiB of float32; ResNet-50's largest at 2048 px is 2^26). A crafted topology
 * that upsamples a small input into gigabytes of activations is refused before anything runs.
 */
const MAX_LAYER_GROWTH = 256;
const MAX_LAYER_OUTPUT_VALUES = 2 ** 27;

/** The checkpoint's model takes one batch of examples of a bounded size, and no layer's output outgrows it. */
function checkModelShapes(model: tfl.LayersModel, dir: string): void {
  const refuse = (rule: string): never => {
    model.dispose();
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint file ${join(dir, MODEL_JSON)}: ${rule}`);
  };
  const shape = model.inputs.length === 1 ? model.inputs[0]?.shape : undefined;
  const [batch, ...example] = shape ?? [];
  const inputValues = valuesPerExample(example);
  if (shape === undefined || batch !== null || !(inputValues <= MAX_INPUT_VALUES)) {
    refuse(
      `the model's input [${(shape ?? []).join(', ')}] is not one batch ` +
        `of examples of at most ${MAX_INPUT_VALUES} values (${CHECKPOINT_LIMITS.maxImageSize}×` +
        `${CHECKPOINT_LIMITS.maxImageSize} pixels, 4 channels)`,
    );
  }
  const maxOutputValues = Math.min(MAX_LAYER_GROWTH * inputValues, MAX_LAYER_OUTPUT_VALUES);
  for (const layer of model.layers) {
    const outputs = layer.outputShape;
    const shapes = (Array.isArray(outputs[0]) ? outputs : [outputs]) as (number | null)[][];
    for (const output of shapes) {
      if (!(valuesPerExample(output.slice(1)) <= maxOutputValues)) {
        refuse(
          `layer ${layer.name} outputs [${output.map(String).join(', ')}], more than the ${maxOutputValues} values a layer ` +
            `may output per example (${MAX_LAYER_GROWTH} times the input's ${inputValues}, at most ${MAX_LAYER_OUTPUT_VALUES})`,
        );
      }
    }
  }
}

function valuesPerExample(dims: readonly (number | null | undefined)[]): number {
  return dims.reduce<number>((n, d) => n * (d ?? Infinity), 1);
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
