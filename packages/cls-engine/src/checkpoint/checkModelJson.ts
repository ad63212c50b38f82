import type * as tf from '@tensorflow/tfjs-core';
import { ClsError } from '@nextplay/cls-core';
import { CHECKPOINT_LIMITS } from './checkpointLimits.js';
import { checkWeightSpecs } from './checkWeightSpecs.js';

/** A manifest group of `model.json`, checked: its files by name and the bytes its weights take. */
export interface CheckedManifestGroup {
  readonly paths: readonly string[];
  readonly weights: readonly tf.io.WeightsManifestEntry[];
  readonly bytes: number;
}

/**
 * Checks the parsed `model.json` at `path` before anything it names is opened: an object with an object
 * `modelTopology` and a `weightsManifest` list of groups, each `{paths: [string…], weights: [spec…]}` (see
 * `checkWeightSpecs`). Where the paths point is checked when they are opened (`locateCheckpointFile`).
 */
export function checkModelJson(
  value: unknown,
  path: string,
): { readonly modelJson: tf.io.ModelJSON; readonly groups: readonly CheckedManifestGroup[] } {
  const refuse = (rule: string): never => {
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint file ${path}: ${rule}`);
  };
  if (!isRecord(value)) return refuse('not a JSON object');
  if (!isRecord(value.modelTopology)) refuse('modelTopology is not an object');
  const manifest = value.weightsManifest;
  if (!Array.isArray(manifest)) return refuse('weightsManifest is not a list');
  let total = 0;
  const groups = (manifest as unknown[]).map((group, i): CheckedManifestGroup => {
    if (!isRecord(group)) return refuse(`weightsManifest[${i}] is not an object`);
    const { paths } = group;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
      return refuse(`weightsManifest[${i}].paths is not a list of file names`);
    }
    const { specs, bytes } = checkWeightSpecs(
      group.weights,
      `checkpoint file ${path}: weightsManifest[${i}]`,
    );
    total += bytes;
    return { paths: paths, weights: specs, bytes };
  });
  if (total > CHECKPOINT_LIMITS.maxWeightBytes) {
    refuse(`the weights take more than ${CHECKPOINT_LIMITS.maxWeightBytes} bytes`);
  }
  const modelJson = {
    ...value,
    weightsManifest: groups.map((group) => ({ paths: [...group.paths], weights: [...group.weights] })),
  } as unknown as tf.io.ModelJSON;
  return { modelJson, groups };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
