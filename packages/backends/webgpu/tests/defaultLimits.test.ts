import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { findAdapter } from '../src/index.js';
import { createWebGpuBackend } from '../src/webgpuDevice.js';

// The kernel tests once more, on a device made with WebGPU's default limits, the least any adapter offers (e.g. 8
// storage buffers a shader stage, 16 KiB of workgroup memory): a kernel that needs more must check the limit and
// fall back, since on such a device WebGPU would refuse its pipeline.
const search = await findAdapter();
if (search.found) {
  const backend = await createWebGpuBackend('webgpu-defaults');
  if (tf.engine().backendNames().includes('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => backend, 3);
  await tf.setBackend('webgpu');
  await import('./trainingKernels.test.js');
  await import('./halfPrecisionKernels.test.js');
  await import('./conv2dBackpropFilter.test.js');
  await import('./kernelBenchmark.test.js');
}

describe.skipIf(!search.found)('a device with WebGPU’s default limits', () => {
  it('is the one the kernel tests above ran on', async () => {
    await tf.setBackend('webgpu');
    const { device } = tf.backend() as unknown as { readonly device: GPUDevice };
    expect(device.limits.maxStorageBuffersPerShaderStage).toBe(8);
    expect(device.limits.maxComputeWorkgroupStorageSize).toBe(16384);
  });
});
