import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { wasmAdamStepConfig } from './adamStep.js';
import { wasmBatchNormTrainingConfig, wasmBatchNormTrainingGradConfig } from './batchNormTraining.js';
import { wasmConv2dBackpropFilterConfig } from './conv2dBackpropFilter.js';
import { wasmConv2dBackpropInputConfig } from './conv2dBackpropInput.js';
import { wasmConv2dConfig, wasmFusedConv2dConfig } from './conv2dForward.js';
import { wasmMaxPoolGradConfig } from './maxPoolGrad.js';
import { keepStockKernel } from './stockKernels.js';
import { wasmTileConfig } from './tile.js';

export const wasmTrainingKernels: readonly KernelConfig[] = [
  wasmConv2dConfig,
  wasmFusedConv2dConfig,
  wasmConv2dBackpropFilterConfig,
  wasmConv2dBackpropInputConfig,
  wasmTileConfig,
  wasmMaxPoolGradConfig,
  wasmBatchNormTrainingConfig,
  wasmBatchNormTrainingGradConfig,
  wasmAdamStepConfig,
];

/**
 * Registers the convolution gradients the stock wasm backend lacks (Conv2DBackpropFilter) or runs slowly
 * (Conv2DBackpropInput), forward convolutions that avoid the stock kernel's costly packing of new filters, and a
 * Tile and MaxPoolGrad far faster than the stock ones on a ResNet's shapes, replacing the stock kernels (which
 * the replacements fall back to where they do not apply), cls-core's training batch-norm kernels and
 * the engine's one-pass Adam update (`ADAM_STEP`). Idempotent. The wasm backend package must be imported first, since these kernels are built
 * from its own Conv2D, Transpose, PadV2, Slice and Reverse kernels.
 */
export function registerWasmTrainingKernels(): void {
  if ((getKernel('Conv2D', 'wasm') as KernelConfig | undefined) === undefined) {
    throw new Error('import @tensorflow/tfjs-backend-wasm before registering the wasm training kernels');
  }
  for (const config of wasmTrainingKernels) {
    const registered = getKernel(config.kernelName, config.backendName) as KernelConfig | undefined;
    if (registered?.kernelFunc === config.kernelFunc) continue;
    if (registered !== undefined) {
      keepStockKernel(config.kernelName, registered.kernelFunc);
      unregisterKernel(config.kernelName, config.backendName);
    }
    registerKernel(config);
  }
}
