import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { wasmAdamStepConfig } from './adamStep.js';
import { wasmAddReluConfig } from './addRelu.js';
import { wasmBatchNormTrainingConfig, wasmBatchNormTrainingGradConfig } from './batchNormTraining.js';
import { wasmConv2dBackpropFilterConfig } from './conv2dBackpropFilter.js';
import { wasmConv2dBackpropInputConfig } from './conv2dBackpropInput.js';
import { wasmConv2dConfig, wasmFusedConv2dConfig } from './conv2dForward.js';
import { wasmIdentityConfig } from './identity.js';
import { wasmMaxPoolGradConfig } from './maxPoolGrad.js';
import { wasmReluGradConfig } from './reluGrad.js';
import { wasmSliceConfig } from './slice.js';
import { keepStockKernel } from './stockKernels.js';
import { wasmTileConfig } from './tile.js';

export const wasmTrainingKernels: readonly KernelConfig[] = [
  wasmConv2dConfig,
  wasmFusedConv2dConfig,
  wasmConv2dBackpropFilterConfig,
  wasmConv2dBackpropInputConfig,
  wasmTileConfig,
  wasmSliceConfig,
  wasmMaxPoolGradConfig,
  wasmIdentityConfig,
  wasmBatchNormTrainingConfig,
  wasmBatchNormTrainingGradConfig,
  wasmAdamStepConfig,
  wasmReluGradConfig,
  wasmAddReluConfig,
];

/**
 * Registers, for the wasm backend: the convolution gradients it lacks (Conv2DBackpropFilter) or runs slowly
 * (Conv2DBackpropInput); forward convolutions that avoid its costly packing of new filters; a Tile, Slice and
 * MaxPoolGrad far faster on a ResNet's shapes; an Identity that shares instead of copying (these replace the stock
 * kernels, which they fall back to where they do not apply); cls-core's training batch-norm kernels, ReLU
 * gradient and residual sum with its ReLU (`ADD_RELU`); and cls-core's one-pass Adam update (`ADAM_STEP`, every
 * parameter in one call). Idempotent. The wasm backend package must be imported first, since these kernels are
 * built from its own kernels.
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
