import * as tf from '@tensorflow/tfjs-core';
import { ClsError } from '@nextplay/cls-core';
import { MODEL_JSON, WEIGHTS_BIN } from './checkpointFileNames.js';
import { resolveCheckpointDir } from './checkpointSiblings.js';
import {
  locateCheckpointFile,
  readCheckpointFile,
  readCheckpointJson,
  type CheckpointFile,
} from './checkpointFile.js';
import { checkModelJson } from './checkModelJson.js';

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

/**
 * Reads `model.json` and the weight files it names from a checkpoint directory, as tfjs model artifacts. The
 * directory may come from a stranger: `model.json` is checked (`checkModelJson`), every weight file must be a
 * regular file inside the directory (`locateCheckpointFile`), and each manifest group's files must together be
 * exactly as long as its weight specs say, before a byte of them is read.
 */
export async function readModelArtifacts(checkpoint: string): Promise<tf.io.ModelArtifacts> {
  const dir = await resolveCheckpointDir(checkpoint);
  const { file, value } = await readCheckpointJson(
    dir,
    MODEL_JSON,
    `checkpoint ${dir} not found (no ${MODEL_JSON})`,
  );
  const { modelJson, groups } = checkModelJson(value, file.path);
  const weightFiles: CheckpointFile[] = [];
  for (const [i, group] of groups.entries()) {
    const files: CheckpointFile[] = [];
    for (const path of group.paths) {
      try {
        files.push(await locateCheckpointFile(dir, path, file.path));
      } catch (error) {
        if (!(error instanceof ClsError) || error.code !== 'CHECKPOINT_NOT_FOUND') throw error;
        throw new ClsError('CHECKPOINT_INVALID', `checkpoint ${dir}: weights file ${path} is missing`, {
          cause: error,
        });
      }
    }
    const size = files.reduce((sum, f) => sum + f.size, 0);
    if (size !== group.bytes) {
      throw new ClsError(
        'CHECKPOINT_INVALID',
        `checkpoint file ${files.map((f) => f.path).join(', ') || file.path}: ${size} bytes, but ` +
          `weightsManifest[${i}] of ${MODEL_JSON} declares weights of ${group.bytes} bytes`,
      );
    }
    weightFiles.push(...files);
  }
  const data = new Uint8Array(groups.reduce((sum, group) => sum + group.bytes, 0));
  let at = 0;
  for (const weightFile of weightFiles) {
    await readCheckpointFile(weightFile, data.subarray(at, at + weightFile.size));
    at += weightFile.size;
  }
  const specs = groups.flatMap((group) => group.weights);
  return tf.io.getModelArtifactsForJSON(modelJson, () => Promise.resolve([specs, data.buffer]));
}
