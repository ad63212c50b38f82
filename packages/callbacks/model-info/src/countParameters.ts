import type { LayersModel } from '@tensorflow/tfjs-layers';
import { leafLayers } from './layerGraph.js';

type Weight = LayersModel['weights'][number];

/** BatchNormalization's running statistics: buffers in torch, weights (not trainable) in tfjs. */
const RUNNING_STATISTICS = /(^|\/)(moving_mean|moving_variance)(_\d+)?$/;

export interface ParameterCounts {
  /** As torch counts `model.parameters()`: every weight, trainable or frozen, but no BN running statistics. */
  readonly total: number;
  /** Weights the optimizer updates (`model.trainableWeights`). */
  readonly trainable: number;
  /** Every stored weight, BN running statistics included: what a checkpoint or an ONNX file holds. */
  readonly stored: number;
}

function size(weight: Weight): number {
  return weight.shape.reduce<number>((elements, dim) => elements * (dim ?? 1), 1);
}

/** Parameter counts of a model, nested models included and shared weights counted once. */
export function countParameters(model: LayersModel): ParameterCounts {
  const runningStatistics = new Set<Weight>();
  for (const layer of leafLayers(model)) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    for (const weight of layer.nonTrainableWeights) {
      if (RUNNING_STATISTICS.test(weight.originalName)) runningStatistics.add(weight);
    }
  }
  let total = 0;
  let stored = 0;
  for (const weight of new Set(model.weights)) {
    stored += size(weight);
    if (!runningStatistics.has(weight)) total += size(weight);
  }
  const trainable = [...new Set(model.trainableWeights)].reduce((sum, weight) => sum + size(weight), 0);
  return { total, trainable, stored };
}
