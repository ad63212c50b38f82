import * as tf from '@tensorflow/tfjs-core';
import {
  SOFTMAX_CROSS_ENTROPY,
  SOFTMAX_CROSS_ENTROPY_GRAD,
  type SoftmaxCrossEntropyAttrs,
} from '@nextplay/cls-core';
import { activeBackendHasKernel } from '../backends/activeBackendHasKernel.js';

/**
 * torch's `cross_entropy(logits, labels, label_smoothing=ε)` of class labels, the mean over the batch: one
 * cls-core kernel each way (`SOFTMAX_CROSS_ENTROPY` and its gradient) where the active backend registers them (on a
 * GPU two dispatches where tfjs's ops take about two dozen), tfjs's `losses.softmaxCrossEntropy` of the one-hot
 * labels elsewhere.
 */
export function labelCrossEntropy(
  logits: tf.Tensor2D,
  labels: Int32Array,
  labelSmoothing: number,
): tf.Scalar {
  return tf.tidy(() => {
    const labelTensor = tf.tensor1d(labels, 'int32');
    const numClasses = logits.shape[1];
    if (
      logits.dtype !== 'float32' ||
      !activeBackendHasKernel(SOFTMAX_CROSS_ENTROPY) ||
      !activeBackendHasKernel(SOFTMAX_CROSS_ENTROPY_GRAD)
    ) {
      const oneHot = tf.cast(tf.oneHot(labelTensor, numClasses), 'float32') as tf.Tensor2D;
      return tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, labelSmoothing);
    }
    const attrs: SoftmaxCrossEntropyAttrs = { labelSmoothing };
    const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
      // The labels are no input (they get no gradient), but the gradient needs them after the forward's scope.
      save([x, labelTensor]);
      return {
        value: tf
          .engine()
          .runKernel<tf.Scalar>(SOFTMAX_CROSS_ENTROPY, { logits: x, labels: labelTensor }, { ...attrs }),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [savedLogits, savedLabels] = saved as [tf.Tensor, tf.Tensor];
          return tf
            .engine()
            .runKernel<tf.Tensor>(
              SOFTMAX_CROSS_ENTROPY_GRAD,
              { dy, logits: savedLogits, labels: savedLabels },
              { ...attrs },
            );
        },
      };
    });
    return loss(logits);
  });
}
