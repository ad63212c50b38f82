import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { webgpuAdamStepConfig } from './adamStep.js';
import { webgpuBatchNormTrainingConfig, webgpuBatchNormTrainingGradConfig } from './batchNormTraining.js';
import { webgpuSgdStepConfig } from './sgdStep.js';

export const webgpuTrainingKernels: readonly KernelConfig[] = [
  webgpuAdamStepConfig,
  webgpuSgdStepConfig,
  webgpuBatchNormTrainingConfig,
  webgpuBatchNormTrainingGradConfig,
];

/** The kernels the training kernels replaced, by name. */
const stockKernels = new Map<string, KernelConfig>();

/**
 * Registers, for the webgpu backend, cls-core's training kernels: the one-dispatch optimizer steps (`ADAM_STEP`,
 * `SGD_STEP`) and batch norm's training forward and backward, each a few dispatches instead of dozens of stock
 * element-wise kernels. Idempotent.
 */
export function registerWebGpuTrainingKernels(): void {
  for (const config of webgpuTrainingKernels) {
    const registered = getKernel(config.kernelName, config.backendName) as KernelConfig | undefined;
    if (registered?.kernelFunc === config.kernelFunc) continue;
    if (registered !== undefined) {
      stockKernels.set(config.kernelName, registered);
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
    const stock = stockKernels.get(config.kernelName);
    if (stock !== undefined) registerKernel(stock);
  }
}
