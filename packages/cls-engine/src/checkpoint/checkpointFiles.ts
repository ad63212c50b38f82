import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ClsError } from '@nextplay/cls-core';
import { MODEL_JSON, WEIGHTS_BIN } from './checkpointFileNames.js';
import { resolveCheckpointDir } from './checkpointSiblings.js';

export { MODEL_JSON, TRAINER_STATE_JSON, TRAINING_STATE_BIN, WEIGHTS_BIN } from './checkpointFileNames.js';

/** The two files of a tfjs-layers model in the standard `model.json` + weights layout. */
export interface ModelFiles {
  readonly modelJson: string;
  readonly weights: Uint8Array;
}

/**
 * An IOHandler that hands `LayersModel.save` output back as the bytes of `model.json` and `weights.bin` (there is
 * no `file://` handler without tfjs-node). With `weights` (in `model.weights` order, which is the order the model
 * saves them in), those values are stored under the model's weight names instead of the live ones.
 */
export function captureModelFiles(weights?: readonly tf.Tensor[]): {
  handler: tf.io.IOHandler;
  files: () => ModelFiles;
} {
  let captured: ModelFiles | undefined;
  const handler: tf.io.IOHandler = {
    save: async (artifacts) => {
      let weightData = artifacts.weightData ?? new ArrayBuffer(0);
      let weightSpecs = artifacts.weightSpecs ?? [];
      if (weights !== undefined) {
        const replaced = await encodeReplacementWeights(weightSpecs, weights);
        weightData = replaced.data;
        weightSpecs = replaced.specs;
      }
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_core}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: weightSpecs }],
      };
      captured = {
        modelJson: JSON.stringify(modelJson),
        weights: new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData)),
      };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightSpecs }) };
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

async function encodeReplacementWeights(
  specs: readonly tf.io.WeightsManifestEntry[],
  weights: readonly tf.Tensor[],
): Promise<{ data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] }> {
  if (specs.length !== weights.length) {
    throw new Error(`${weights.length} replacement weights for a model with ${specs.length}`);
  }
  const named = specs.map((spec, i) => {
    const tensor = weights[i];
    if (tensor === undefined) throw new Error(`replacement weight ${i} is missing`);
    if (spec.shape.length !== tensor.shape.length || spec.shape.some((d, k) => d !== tensor.shape[k])) {
      throw new Error(
        `replacement weight ${spec.name} has shape [${tensor.shape.join(',')}], expected [${spec.shape.join(',')}]`,
      );
    }
    return { name: spec.name, tensor };
  });
  return tf.io.encodeWeights(named);
}

/** Reads `model.json` + `weights.bin` of a checkpoint directory as tfjs model artifacts. */
export async function readModelArtifacts(checkpoint: string): Promise<tf.io.ModelArtifacts> {
  const dir = await resolveCheckpointDir(checkpoint);
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
