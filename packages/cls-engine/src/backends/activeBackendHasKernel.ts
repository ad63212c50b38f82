import * as tf from '@tensorflow/tfjs-core';

/** Whether the active backend registers `kernelName` (one of cls-core's kernels a backend plugin may add). */
export function activeBackendHasKernel(kernelName: string): boolean {
  return (
    (tf.getKernel(kernelName, tf.getBackend()) as ReturnType<typeof tf.getKernel> | undefined) !== undefined
  );
}
