import * as tf from '@tensorflow/tfjs-core';
import { ClsError, type ClassifierModel, type Logger } from '@nextplay/cls-core';
import type { StateDict } from './stateDict.js';
import { torchvisionPermutation, torchvisionStateDictKey } from './torchvisionStateDictKey.js';

/** The classifier's torchvision module: loaded only when its shape fits `num_classes`. */
const HEAD_PREFIX = 'fc.';
/** The top-level modules of torchvision's ResNets. */
const TORCHVISION_MODULES = new Set(['conv1', 'bn1', 'layer1', 'layer2', 'layer3', 'layer4', 'fc']);

/** `layer4` of `layer4.1.conv2.weight`. */
function topModule(key: string): string {
  return key.split('.')[0] ?? '';
}

export interface LoadTorchvisionWeightsOptions {
  /** Names the weights in errors and notices, e.g. the file path. */
  readonly source: string;
  readonly logger?: Logger;
}

/**
 * Copies a torchvision `state_dict` into a model built with torchvision's module names: conv kernels OIHW → HWIO,
 * linear weights [out, in] → [in, out], BatchNorm running statistics into the moving mean/variance;
 * `num_batches_tracked` is ignored. The head (`fc.*`) is kept freshly initialized, with a logged notice, when its
 * shape does not fit the model. Any other missing, unexpected or mis-shaped key is an error listing all of them.
 */
export function loadTorchvisionWeights(
  model: ClassifierModel,
  stateDict: StateDict,
  options: LoadTorchvisionWeightsOptions,
): void {
  const missing: string[] = [];
  const misshaped: string[] = [];
  const headMismatch: string[] = [];
  const headOnly = new Set<string>();
  const used = new Set<string>();
  const assignments: { index: number; value: tf.Tensor }[] = [];
  const weights = model.weights;
  try {
    weights.forEach((weight, index) => {
      const key = torchvisionStateDictKey(weight.name);
      if (key === null) return;
      const tensor = stateDict.get(key);
      if (tensor === undefined) {
        // A model head's own layers (tens, units, columns) have no torchvision weights: they stay initialized.
        if (!TORCHVISION_MODULES.has(topModule(key))) headOnly.add(topModule(key));
        else missing.push(key);
        return;
      }
      used.add(key);
      const torchShape = torchvisionPermutation(weight.shape.length).map((axis) => weight.shape[axis] ?? 0);
      if (!sameShape(torchShape, tensor.shape)) {
        const problem = `${key} [${tensor.shape.join(',')}] (model: [${torchShape.join(',')}])`;
        (key.startsWith(HEAD_PREFIX) ? headMismatch : misshaped).push(problem);
        return;
      }
      const torchTensor = tf.tensor(tensor.values, [...tensor.shape], 'float32');
      const value = tf.transpose(
        torchTensor,
        inversePermutation(torchvisionPermutation(tensor.shape.length)),
      );
      torchTensor.dispose();
      assignments.push({ index, value });
    });
    // Modules the model does not have (fc under a digit head, layer4 under a sequence head) are left unused.
    const modules = new Set(weights.map((weight) => topModule(torchvisionStateDictKey(weight.name) ?? '')));
    const unexpected = [...stateDict.keys()].filter(
      (key) => !used.has(key) && !key.endsWith('num_batches_tracked') && modules.has(topModule(key)),
    );
    const problems = [
      missing.length > 0 ? `missing keys: ${listed(missing)}` : '',
      unexpected.length > 0 ? `unexpected keys: ${listed(unexpected)}` : '',
      misshaped.length > 0 ? `shape mismatches: ${listed(misshaped)}` : '',
    ].filter((text) => text !== '');
    if (problems.length > 0) {
      throw new ClsError(
        'CHECKPOINT_INVALID',
        `${options.source} does not fit model ${model.name}: ${problems.join('; ')}`,
      );
    }
    if (headOnly.size > 0) {
      options.logger?.info(
        `${options.source}: the ${[...headOnly].join(', ')} layer${headOnly.size === 1 ? '' : 's'} of the head stay freshly initialized`,
      );
    }
    if (headMismatch.length > 0) {
      options.logger?.info(
        `${options.source}: classifier ${headMismatch.join(', ')} does not fit; the head stays freshly initialized`,
      );
    }
    for (const { index, value } of assignments) weights[index]?.write(value);
  } finally {
    tf.dispose(assignments.map(({ value }) => value));
  }
}

/** Long lists (a different architecture) are cut so the error stays readable. */
function listed(items: readonly string[], limit = 40): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown} … and ${items.length - limit} more` : shown;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function inversePermutation(permutation: readonly number[]): number[] {
  const inverse = new Array<number>(permutation.length).fill(0);
  permutation.forEach((axis, i) => {
    inverse[axis] = i;
  });
  return inverse;
}
