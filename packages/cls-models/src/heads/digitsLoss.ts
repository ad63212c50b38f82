import * as tf from '@tensorflow/tfjs-core';

/** Tens classes of the digits head: index 0 is "no tens digit", 1–10 are the digits 0–9. */
export const TENS_CLASSES = 11;
export const UNITS_CLASSES = 10;

/** The tens class of a number's tens digit: null (single digit) → 0, digit d → d + 1. */
export function tensClass(tens: number | null): number {
  return tens === null ? 0 : tens + 1;
}

/**
 * The digits head's loss: cross-entropy of the tens logits plus cross-entropy of the units logits, each the batch
 * mean with torch's label smoothing ε (targets (1 − ε)·one_hot + ε/classes).
 */
export function digitsLoss(
  tensLogits: tf.Tensor2D,
  unitsLogits: tf.Tensor2D,
  tensTargets: readonly number[],
  unitsTargets: readonly number[],
  labelSmoothing = 0,
): tf.Scalar {
  return tf.tidy(() => {
    const part = (logits: tf.Tensor2D, targets: readonly number[]): tf.Tensor => {
      const classes = logits.shape[1];
      const oneHot = tf.cast(tf.oneHot(tf.tensor1d([...targets], 'int32'), classes), 'float32');
      const smoothed =
        labelSmoothing > 0 ? tf.add(tf.mul(oneHot, 1 - labelSmoothing), labelSmoothing / classes) : oneHot;
      return tf.mean(tf.neg(tf.sum(tf.mul(smoothed, tf.logSoftmax(logits)), 1)));
    };
    return tf.add<tf.Scalar>(part(tensLogits, tensTargets), part(unitsLogits, unitsTargets));
  });
}
