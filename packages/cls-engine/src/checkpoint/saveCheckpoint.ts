import { open } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ClassifierModel, JsonValue } from '@nextplay/cls-core';
import { captureModelFiles } from './checkpointFiles.js';
import { MODEL_JSON, TRAINER_STATE_JSON, TRAINING_STATE_BIN, WEIGHTS_BIN } from './checkpointFileNames.js';
import { replaceCheckpointDir } from './replaceCheckpointDir.js';
import type { ResumeState } from './resumeState.js';

/** `trainer_state.json`: where training was and what a later run needs to use the weights. */
export interface TrainerState {
  readonly epoch: number;
  readonly global_step: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly classes: readonly string[];
  /** Training images per class, indexed like `classes`: a digit head's classes without any are its unseen ones. */
  readonly train_class_counts?: readonly number[];
  readonly model: Readonly<Record<string, JsonValue>>;
  /** `data.image_size` the model was trained at: `s` for s×s (as always), `[height, width]` otherwise. */
  readonly image_size: number | readonly [number, number];
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** `data.resize` of the training data (ImageFolder datasets), so inference resizes the same way. */
  readonly resize?: string;
  /** Present in checkpoints written by `fit`: what resuming needs besides the weights. */
  readonly resume?: ResumeState;
}

/** Optional parts of a checkpoint beyond the model's live weights and the trainer state. */
export interface CheckpointExtras {
  /** Stored as the model's weights instead of the live ones, in `model.weights` order (EMA weights). */
  readonly modelWeights?: readonly tf.Tensor[];
  /** Resume state and its named tensors (optimizer moments, live weights, callback buffers). */
  readonly resume?: {
    readonly state: Omit<ResumeState, 'tensors'>;
    readonly tensors: Readonly<Record<string, tf.Tensor>>;
  };
}

/**
 * Writes `model.json`, `weights.bin`, `trainer_state.json` (and `training_state.bin` for resuming) to `dir`
 * atomically (see `replaceCheckpointDir`), every file fsynced.
 */
export async function saveCheckpoint(
  model: ClassifierModel,
  dir: string,
  state: TrainerState,
  extras: CheckpointExtras = {},
): Promise<void> {
  const { handler, files } = captureModelFiles(extras.modelWeights);
  await model.save(handler);
  const { modelJson, weights } = files();
  let trainingState: Uint8Array | undefined;
  // A resume state only ever describes the training_state.bin written with it.
  const { resume: _stale, ...weightsOnly } = state;
  let fullState: TrainerState = weightsOnly;
  if (extras.resume !== undefined) {
    const encoded = await tf.io.encodeWeights(extras.resume.tensors);
    trainingState = new Uint8Array(tf.io.CompositeArrayBuffer.join(encoded.data));
    fullState = { ...state, resume: { ...extras.resume.state, tensors: encoded.specs } };
  }

  await replaceCheckpointDir(dir, async (staging) => {
    await writeDurably(join(staging, MODEL_JSON), modelJson);
    await writeDurably(join(staging, WEIGHTS_BIN), weights);
    if (trainingState !== undefined) await writeDurably(join(staging, TRAINING_STATE_BIN), trainingState);
    // Written last: a staging directory with trainer_state.json is complete.
    await writeDurably(join(staging, TRAINER_STATE_JSON), `${JSON.stringify(fullState, null, 2)}\n`);
  });
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
