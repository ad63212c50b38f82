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

/**
 * Registers, for the webgpu backend, cls-core's training kernels: the one-dispatch optimizer steps (`ADAM_STEP`,
 * `SGD_STEP`) and batch norm's training forward and backward, each a few dispatches instead of dozens of stock
 * element-wise kernels. Idempotent.
 */
export function registerWebGpuTrainingKernels(): void {
  for (const config of webgpuTrainingKernels) {
    const registered = getKernel(config.kernelName, config.backendName) as KernelConfig | undefined;
    if (registered?.kernelFunc === config.kernelFunc) continue;
    if (registered !== undefined) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
}
