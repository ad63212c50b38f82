import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/**
 * How many tensors (or groups of tensors, `buffersEach` storage buffers each) one dispatch can bind besides
 * `otherBuffers`, within the device's storage-buffer limit and at most `most`; at least 1.
 */
export function tensorsPerDispatch(
  backend: WebGPUBackend,
  buffersEach: number,
  otherBuffers: number,
  most: number,
): number {
  const limit = backend.device.limits.maxStorageBuffersPerShaderStage;
  return Math.max(1, Math.min(most, Math.floor((limit - otherBuffers) / buffersEach)));
}

/**
 * A WGSL grid-stride loop over the values of `count` tensors in turn, each tensor's after the previous one's:
 * uniforms `end0 … end{count−1}` (u32) say where each tensor's values end in that order, and `body(i)` runs for a
 * value of tensor i with `j`, its index in that tensor.
 */
export function multiTensorLoop(count: number, workgroup: number, body: (i: number) => string): string {
  const branches = Array.from(
    { length: count },
    (_, i) => `${i === 0 ? '' : 'else '}if (index < u.end${i}) {
      let j = index${i === 0 ? '' : ` - u.end${i - 1}`};
      ${body(i)}
    }`,
  );
  return `for (var index = id.x; index < u.end${count - 1}; index += groups.x * ${workgroup}u) {
    ${branches.join(' ')}
  }`;
}
