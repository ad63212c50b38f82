import * as tf from '@tensorflow/tfjs-core';

export interface CrossEntropyOptions {
  /** torch's label_smoothing ε: targets become (1 − ε)·targets + ε/num_classes. */
  readonly labelSmoothing: number;
  /** torch's `weight`: one rescaling weight per class; absent = every class weighs 1. */
  readonly classWeights?: readonly number[] | undefined;
  /**
   * The targets are one-hot class labels: the mean divides by the summed weights of the samples' classes, as
   * torch does for class-index targets. Otherwise (soft targets, mixup) it divides by the batch size, as torch
   * does for class-probability targets.
   */
  readonly hardLabels: boolean;
}

/**
 * `torch.nn.functional.cross_entropy(logits, target, weight, label_smoothing=ε)` with the mean reduction:
 * Σᵢ Σ_c w_c·t̃ᵢ_c·(−log softmax(xᵢ)_c) divided by Σᵢ w_{yᵢ} (class labels) or by N (soft targets).
 */
export function crossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor2D,
  options: CrossEntropyOptions,
): tf.Scalar {
  return tf.tidy(() => {
    const numClasses = logits.shape[1];
    const epsilon = options.labelSmoothing;
    const smoothed = epsilon > 0 ? tf.add(tf.mul(targets, 1 - epsilon), epsilon / numClasses) : targets;
    const weights = options.classWeights === undefined ? undefined : tf.tensor1d([...options.classWeights]);
    const weighted = weights === undefined ? smoothed : tf.mul(smoothed, weights);
    const total = tf.neg(tf.sum(tf.mul(weighted, tf.logSoftmax(logits))));
    if (!options.hardLabels || weights === undefined) return tf.div(total, logits.shape[0]);
    return tf.div(total, tf.sum(tf.mul(targets, weights)));
  });
}
