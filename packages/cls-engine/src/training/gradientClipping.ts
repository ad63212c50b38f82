import * as tf from '@tensorflow/tfjs-core';

export type GradientClipAlgorithm = 'norm' | 'value';

/**
 * torch.nn.utils.clip_grad_norm_: the global L2 norm over all gradients, then every gradient times
 * min(1, maxNorm / (norm + 1e-6)). Returns new tensors; the caller still owns `gradients`.
 */
export function clipGradientsByNorm(gradients: readonly tf.Tensor[], maxNorm: number): tf.Tensor[] {
  return tf.tidy(() => {
    const squares = gradients.map((g) => tf.sum(tf.square(g)));
    // stack, not addN: addN binds every input at once, past WebGPU's 8 storage buffers; concat splits them.
    const norm = tf.sqrt(tf.sum(tf.stack(squares)));
    const scale = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1);
    return gradients.map((g) => tf.mul(g, scale));
  });
}

/** torch.nn.utils.clip_grad_value_: every gradient value clamped to [-clipValue, clipValue]. */
export function clipGradientsByValue(gradients: readonly tf.Tensor[], clipValue: number): tf.Tensor[] {
  return tf.tidy(() => gradients.map((g) => tf.clipByValue(g, -clipValue, clipValue)));
}

export function clipGradients(
  gradients: readonly tf.Tensor[],
  clipValue: number,
  algorithm: GradientClipAlgorithm,
): tf.Tensor[] {
  return algorithm === 'norm'
    ? clipGradientsByNorm(gradients, clipValue)
    : clipGradientsByValue(gradients, clipValue);
}
