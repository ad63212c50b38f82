import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ADD_RELU, addReluInputs, type ADD_RELU_INPUTS, type KernelInputs } from '@nextplay/cls-core';
import { WgslKernel, dispatchWgsl, packUniforms, strideWorkgroups } from './wgslKernel.js';

const WORKGROUP = 256;

const addReluKernel = new WgslKernel(
  ADD_RELU,
  /* wgsl */ `
struct Uniforms { size: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> u: Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = id.x; i < u.size; i += groups.x * ${WORKGROUP}u) {
    let sum = a[i] + b[i];
    y[i] = select(sum, 0.0, sum < 0.0);
  }
}
`,
  4,
);

/** cls-core's `ADD_RELU` in one dispatch, where tfjs runs an Add and a Relu. */
function addRelu(args: { inputs: KernelInputs<typeof ADD_RELU_INPUTS, TensorInfo>; backend: WebGPUBackend }) {
  const { a, b } = addReluInputs(args.inputs);
  const { backend } = args;
  const size = a.shape.reduce((p, q) => p * q, 1);
  const y = backend.makeTensorInfo(a.shape, 'float32');
  if (size > 0) {
    dispatchWgsl(backend, [
      {
        kernel: addReluKernel,
        tensors: [a, b, y],
        uniforms: packUniforms([['u32', size]]),
        workgroups: [strideWorkgroups(size, WORKGROUP)],
      },
    ]);
  }
  return y;
}

export const webgpuAddReluConfig: KernelConfig = {
  kernelName: ADD_RELU,
  backendName: 'webgpu',
  kernelFunc: addRelu as unknown as KernelFunc,
};
