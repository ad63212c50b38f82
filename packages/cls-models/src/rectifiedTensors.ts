import type * as tf from '@tensorflow/tfjs-core';

/**
 * Outputs that a batch norm already passed through relu in training, because a ReLU layer is their only consumer
 * (`TrainingBatchNormalization`): that layer passes them on as they are (relu of a relu output is itself).
 */
const rectified = new WeakSet<tf.Tensor>();

export function markRectified(tensor: tf.Tensor): void {
  rectified.add(tensor);
}

export function isRectified(tensor: tf.Tensor): boolean {
  return rectified.has(tensor);
}
