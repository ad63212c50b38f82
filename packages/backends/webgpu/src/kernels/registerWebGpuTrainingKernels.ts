import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { webgpuAdamStepConfig } from './adamStep.js';
import { webgpuAddReluConfig } from './addRelu.js';
import { webgpuBatchMatMulConfig, webgpuFusedMatMulConfig } from './batchMatMul.js';
import { webgpuBatchNormTrainingConfig, webgpuBatchNormTrainingGradConfig } from './batchNormTraining.js';
import { webgpuConv2dConfig, webgpuFusedConv2dConfig } from './conv2d.js';
import { webgpuConv2dBackpropFilterConfig } from './conv2dBackpropFilter.js';
import { webgpuConv2dBackpropInputConfig } from './conv2dBackpropInput.js';
import { webgpuReluGradConfig } from './reluGrad.js';
import { webgpuSgdStepConfig } from './sgdStep.js';
import {
  webgpuSoftmaxCrossEntropyConfig,
  webgpuSoftmaxCrossEntropyGradConfig,
} from './softmaxCrossEntropy.js';
import { webgpuUnscaleGradientsConfig } from './unscaleGradients.js';
import { keepStockKernel, stockKernel } from './stockKernels.js';

export const webgpuTrainingKernels: readonly KernelConfig[] = [
  webgpuAdamStepConfig,
  webgpuSgdStepConfig,
  webgpuUnscaleGradientsConfig,
  webgpuBatchNormTrainingConfig,
  webgpuBatchNormTrainingGradConfig,
  webgpuReluGradConfig,
  webgpuAddReluConfig,
  webgpuSoftmaxCrossEntropyConfig,
  webgpuSoftmaxCrossEntropyGradConfig,
  webgpuConv2dBackpropFilterConfig,
  webgpuConv2dConfig,
  webgpuFusedConv2dConfig,
  webgpuConv2dBackpropInputConfig,
  webgpuBatchMatMulConfig,
  webgpuFusedMatMulConfig,
];

/**
 * Registers, for the webgpu backend, cls-core's training kernels: the optimizer steps (`ADAM_STEP`, `SGD_STEP`:
 * every parameter in one call, several per dispatch), 16-mixed's gradient unscaling and inf/NaN check
 * (`UNSCALE_GRADIENTS`, one call for all the gradients), and batch norm's training forward and backward, each a few
 * dispatches instead of dozens of stock element-wise kernels, ReLU's gradient (`RELU_GRAD`), a residual sum and
 * its ReLU (`ADD_RELU`), and the softmax cross-entropy of class labels and its gradient (`SOFTMAX_CROSS_ENTROPY`,
 * `…_GRAD`) in one each; and,
 * replacing tfjs-webgpu's naive one, a convolution filter gradient as a tiled, split-K matrix product; and
 * convolutions and matrix products that compute in float16 under `16-mixed` (`setHalfPrecision`), running the
 * stock kernels otherwise. Idempotent.
 */
export function registerWebGpuTrainingKernels(): void {
  for (const config of webgpuTrainingKernels) {
    const registered = getKernel(config.kernelName, config.backendName) as KernelConfig | undefined;
    if (registered?.kernelFunc === config.kernelFunc) continue;
    if (registered !== undefined) {
      keepStockKernel(registered);
      unregisterKernel(config.kernelName, config.backendName);
    }
    registerKernel(config);
  }
}

/**
 * Puts the stock kernels back and removes cls-core's (models and optimizers then run tfjs ops): for benchmarks that
 * compare the two in one process. `registerWebGpuTrainingKernels` undoes it.
 */
export function unregisterWebGpuTrainingKernels(): void {
  for (const config of webgpuTrainingKernels) {
    const registered = getKernel(config.kernelName, config.backendName) as KernelConfig | undefined;
    if (registered?.kernelFunc !== config.kernelFunc) continue;
    unregisterKernel(config.kernelName, config.backendName);
    const stock = stockKernel(config.kernelName);
    if (stock !== undefined) registerKernel(stock);
  }
}
