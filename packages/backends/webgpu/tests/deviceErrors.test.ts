import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createLogger, isClsError } from '@nextplay/cls-core';
import { dawnGpu } from '../src/dawnGpu.js';
import { DeviceErrors, describeGpuError, deviceLostError, uncapturedGpuError } from '../src/deviceErrors.js';
import { findAdapter, webgpuBackendPlugin } from '../src/index.js';
import { WgslKernel, dispatchWgsl, packUniforms } from '../src/kernels/wgslKernel.js';

// The CI machine has Mesa's lavapipe (a software Vulkan driver) from bookworm-backports, as .ci/run installs it.
const search = await findAdapter();

/** A shader Dawn refuses: `target` is a reserved word in WGSL. */
const BROKEN_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> size: u32;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let target = 1.0;
  if (id.x < size) { out[id.x] = target; }
}
`;

async function newDevice(): Promise<GPUDevice> {
  const adapter = await (await dawnGpu()).requestAdapter();
  if (adapter === null) throw new Error('no adapter');
  return adapter.requestDevice();
}

describe('describeGpuError', () => {
  it('keeps what is wrong and the call it came from, on one line', () => {
    const message = [
      "Error while parsing WGSL: :6:7 error: 'target' is a reserved keyword",
      '  let target = 1.0;',
      '      ^^^^^^',
      '',
      '',
      ' - While calling [Device].CreateShaderModule([ShaderModuleDescriptor ""ClsAdamStep""]).',
    ].join('\n');
    expect(describeGpuError('WebGPU validation error', message)).toBe(
      "WebGPU validation error: Error while parsing WGSL: :6:7 error: 'target' is a reserved keyword " +
        '(while calling [Device].CreateShaderModule([ShaderModuleDescriptor "ClsAdamStep"]).)',
    );
    expect(describeGpuError('WebGPU internal error', '')).toBe('WebGPU internal error: no message');
  });

  it('makes running out of memory and a lost device user errors, an invalid shader a bug', () => {
    const memory = uncapturedGpuError(
      'GPUOutOfMemoryError',
      'Out of memory\n - While calling [Device].CreateBuffer.',
    );
    expect(isClsError(memory) && memory.code).toBe('OUT_OF_MEMORY');
    expect(memory.message).toBe(
      'out of memory on the WebGPU device: Out of memory (while calling [Device].CreateBuffer.) ' +
        '(lower data.batch_size or data.image_size)',
    );
    const lost = deviceLostError('unknown', 'Device lost.');
    expect(lost.code).toBe('DEVICE_LOST');
    expect(lost.message).toMatch(
      /^the WebGPU device was lost \(unknown\): Device lost\. \(.*ckpt_path=last.*\)$/,
    );
    const invalid = uncapturedGpuError('GPUValidationError', 'Invalid.');
    expect(isClsError(invalid)).toBe(false);
    expect(invalid.message).toBe('WebGPU validation error: Invalid.');
    expect(uncapturedGpuError('GPUInternalError', 'Broken.').message).toBe('WebGPU internal error: Broken.');
  });
});

describe.skipIf(!search.found)('a device’s errors on this machine’s adapter', () => {
  it('keeps the first uncaptured error, not its consequences', async () => {
    const device = await newDevice();
    const errors = new DeviceErrors(device);
    expect(errors.first).toBeUndefined();
    errors.throwIfFailed();
    const module = device.createShaderModule({ code: BROKEN_WGSL, label: 'BrokenKernel' });
    // Invalid too, "due to a previous error": not the error to report.
    device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    await device.queue.onSubmittedWorkDone();
    expect(errors.first?.message).toMatch(
      /^WebGPU validation error: Error while parsing WGSL: .*'target' is a reserved keyword \(while calling \[Device\]\.CreateShaderModule\(\[ShaderModuleDescriptor "BrokenKernel"\]\)\.?\)$/,
    );
    expect(() => {
      errors.throwIfFailed();
    }).toThrow(errors.first);
    device.destroy();
  });

  it('records a lost device', async () => {
    const device = await newDevice();
    const errors = new DeviceErrors(device);
    device.destroy();
    await device.lost;
    expect(errors.first?.message).toMatch(/^the WebGPU device was lost \(destroyed\): .+/);
  });

  it('makes reads from the tfjs backend throw once a kernel failed to compile', async () => {
    const backendPlugin = await webgpuBackendPlugin.create(
      {},
      { logger: createLogger({ console: false }), threads: 1, accelerator: 'gpu' },
    );
    await backendPlugin.activate();
    const healthy = tf.relu(tf.tensor([1, -2, 3]));
    expect(Array.from(await healthy.data())).toEqual([1, 0, 3]);

    const backend = tf.backend() as unknown as WebGPUBackend;
    const out = backend.makeTensorInfo([64], 'float32');
    dispatchWgsl(backend, [
      {
        kernel: new WgslKernel('BrokenKernel', BROKEN_WGSL, 4),
        tensors: [out],
        uniforms: packUniforms([['u32', 64]]),
        workgroups: [1],
      },
    ]);
    const result = tf.engine().makeTensorFromTensorInfo(out);
    // Without the check this resolves to 64 zeros.
    await expect(result.data()).rejects.toThrow(/^WebGPU validation error: .*'target' is a reserved keyword/);
    // The device is not to be trusted from then on: a healthy kernel's result is refused too.
    await expect(tf.relu(tf.tensor([1, -2])).data()).rejects.toThrow(/reserved keyword/);
  });
});
