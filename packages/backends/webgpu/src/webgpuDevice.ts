import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { DeviceErrors } from './deviceErrors.js';
import { dawnGpu } from './dawnGpu.js';

/** Device features tfjs-backend-webgpu or our kernels use, requested where the adapter has them. */
const WANTED_FEATURES: readonly GPUFeatureName[] = ['timestamp-query', 'shader-f16'];

let installed = false;

/**
 * Registers tfjs-backend-webgpu's backend on a device of our own, which also has `shader-f16` where the adapter
 * offers it: the stock factory asks for `timestamp-query` only, and `16-mixed` kernels need f16 shaders. Does
 * nothing once the backend exists (its device is then made).
 */
export async function installWebGpuBackendFactory(): Promise<void> {
  if (installed || 'webgpu' in tf.engine().registry) return;
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  // The stock factory is there when the package was imported with navigator.gpu set, as dawnGpu() does.
  if (tf.engine().backendNames().includes('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const adapter = await (await dawnGpu()).requestAdapter({ powerPreference: 'high-performance' });
      if (adapter === null) throw new Error('WebGPU has no adapter');
      const { limits } = adapter;
      const device = await adapter.requestDevice({
        requiredFeatures: WANTED_FEATURES.filter((feature) => adapter.features.has(feature)),
        // The adapter's own limits: WebGPU's defaults are too small for large tensors.
        requiredLimits: {
          maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
          // Above WebGPU's default 8, our Adam step updates several parameters per dispatch.
          maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
          maxBufferSize: limits.maxBufferSize,
          maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        },
      });
      const backend = new WebGPUBackend(device, adapter.info);
      throwDeviceErrorsOnRead(backend, new DeviceErrors(device));
      return backend;
    },
    3,
  );
  installed = true;
}

/**
 * Makes each readback of `backend` throw the device's first error, if it had one: a loss read after a kernel that
 * never ran would otherwise look like a number. Reads are where training waits on the GPU each step.
 */
function throwDeviceErrorsOnRead(backend: WebGPUBackend, errors: DeviceErrors): void {
  const read = backend.read.bind(backend);
  backend.read = async (dataId) => {
    errors.throwIfFailed();
    const values = await read(dataId);
    errors.throwIfFailed();
    return values;
  };
}
