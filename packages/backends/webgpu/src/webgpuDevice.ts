import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { DeviceErrors } from './deviceErrors.js';
import { dawnGpu } from './dawnGpu.js';
import { trackReads } from './readsInFlight.js';

/** Device features tfjs-backend-webgpu or our kernels use, requested where the adapter has them. */
const WANTED_FEATURES: readonly GPUFeatureName[] = ['timestamp-query', 'shader-f16'];

/**
 * The limits a device is made with: the adapter's own (WebGPU's defaults are too small for large tensors, and above
 * the default 8 storage buffers our Adam step updates several parameters per dispatch), or WebGPU's defaults, the
 * least any adapter offers, which tests run the kernels under.
 */
export type DeviceLimits = 'adapter' | 'webgpu-defaults';

let installed = false;

/**
 * Registers tfjs-backend-webgpu's backend on a device of our own (`createWebGpuBackend`). Does nothing once the
 * backend exists (its device is then made).
 */
export async function installWebGpuBackendFactory(): Promise<void> {
  if (installed || 'webgpu' in tf.engine().registry) return;
  await import('@tensorflow/tfjs-backend-webgpu');
  // The stock factory is there when the package was imported with navigator.gpu set, as dawnGpu() does.
  if (tf.engine().backendNames().includes('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => createWebGpuBackend('adapter'), 3);
  installed = true;
}

/**
 * tfjs-backend-webgpu's backend on a device that also has `shader-f16` where the adapter offers it (the stock
 * factory asks for `timestamp-query` only, and `16-mixed` kernels need f16 shaders), whose reads throw the device's
 * own errors.
 */
export async function createWebGpuBackend(limits: DeviceLimits): Promise<WebGPUBackend> {
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const adapter = await (await dawnGpu()).requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Error('WebGPU has no adapter');
  const device = await adapter.requestDevice({
    requiredFeatures: WANTED_FEATURES.filter((feature) => adapter.features.has(feature)),
    requiredLimits: limits === 'adapter' ? adapterLimits(adapter.limits) : {},
  });
  const backend = new WebGPUBackend(device, adapter.info);
  trackReads(backend);
  throwDeviceErrorsOnRead(backend, new DeviceErrors(device));
  return backend;
}

function adapterLimits(limits: GPUSupportedLimits): Record<string, number> {
  return {
    maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    maxBufferSize: limits.maxBufferSize,
    maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
    maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
  };
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
