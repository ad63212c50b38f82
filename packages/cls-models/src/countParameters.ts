import type { LayersModel } from '@tensorflow/tfjs-layers';

const RUNNING_STATISTICS = /\/(moving_mean|moving_variance)(_\d+)?$/;

/**
 * Number of parameters as torch counts them (`sum(p.numel() for p in model.parameters())`): every weight,
 * trainable or frozen, except BatchNorm running statistics, which torch keeps as buffers. tfjs's own
 * `countParams()` includes those statistics.
 */
export function countParameters(model: LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const isBatchNorm = layer.getClassName() === 'BatchNormalization';
    for (const weight of layer.weights) {
      if (isBatchNorm && RUNNING_STATISTICS.test(weight.originalName)) continue;
      total += weight.shape.reduce<number>((size, dim) => size * (dim ?? 1), 1);
    }
  }
  return total;
}
