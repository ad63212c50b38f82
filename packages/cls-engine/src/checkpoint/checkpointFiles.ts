import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ClsError } from '@nextplay/cls-core';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const TRAINER_STATE_JSON = 'trainer_state.json';

/** The two files of a tfjs-layers model in the standard `model.json` + weights layout. */
export interface ModelFiles {
  readonly modelJson: string;
  readonly weights: Uint8Array;
}

/**
 * An IOHandler that hands `LayersModel.save` output back as the bytes of `model.json` and `weights.bin` (there is
 * no `file://` handler without tfjs-node).
 */
export function captureModelFiles(): { handler: tf.io.IOHandler; files: () => ModelFiles } {
  let captured: ModelFiles | undefined;
  const handler: tf.io.IOHandler = {
    save: (artifacts) => {
      const weightData = artifacts.weightData ?? new ArrayBuffer(0);
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_core}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      captured = { modelJson: JSON.stringify(modelJson), weights };
      return Promise.resolve({ modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) });
    },
  };
  return {
    handler,
    files: () => {
      if (captured === undefined) throw new Error('the model was not saved');
      return captured;
    },
  };
}

/** Reads `model.json` + `weights.bin` of a checkpoint directory as tfjs model artifacts. */
export async function readModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  let text: string;
  try {
    text = await readFile(join(dir, MODEL_JSON), 'utf8');
  } catch (error) {
    throw new ClsError('CHECKPOINT_NOT_FOUND', `checkpoint ${dir} not found (no ${MODEL_JSON})`, {
      cause: error,
    });
  }
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(text) as tf.io.ModelJSON;
  } catch (error) {
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint ${dir}: ${MODEL_JSON} is not valid JSON`, {
      cause: error,
    });
  }
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest)) {
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint ${dir}: ${MODEL_JSON} has no weightsManifest`);
  }
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    for (const path of group.paths) {
      let bytes: Buffer;
      try {
        bytes = await readFile(join(dir, path));
      } catch (error) {
        throw new ClsError('CHECKPOINT_INVALID', `checkpoint ${dir}: weights file ${path} is missing`, {
          cause: error,
        });
      }
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
  }
  return tf.io.getModelArtifactsForJSON(modelJson, () =>
    Promise.resolve([manifest.flatMap((group) => group.weights), tf.io.CompositeArrayBuffer.join(buffers)]),
  );
}
