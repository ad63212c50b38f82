import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { RELU_GRAD, RELU_GRAD_INPUTS, requiredInputs, type KernelInputs } from '@nextplay/cls-core';
import { WgslKernel, dispatchWgsl, packUniforms, strideWorkgroups } from './wgslKernel.js';

const WORKGROUP = 256;

const reluGradKernel = new WgslKernel(
  'ClsReluGrad',
  /* wgsl */ `
struct Uniforms { size: u32 }
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> u: Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = id.x; i < u.size; i += groups.x * ${WORKGROUP}u) {
    let out = y[i];
    // A NaN output passes on as NaN (tfjs's step(NaN) is NaN), found from its bits: compilers may fold out != out.
    let isNan = (bitcast<u32>(out) & 0x7fffffffu) > 0x7f800000u;
    dx[i] = select(select(0.0, dy[i], out > 0.0), out, isNan);
  }
}
`,
  4,
);

/** cls-core's `RELU_GRAD` in one dispatch. */
function reluGrad(args: {
  inputs: KernelInputs<typeof RELU_GRAD_INPUTS, TensorInfo>;
  backend: WebGPUBackend;
}) {
  const { dy, y } = requiredInputs(RELU_GRAD, args.inputs, RELU_GRAD_INPUTS);
  const { backend } = args;
  const size = y.shape.reduce((a, b) => a * b, 1);
  if (dy.dtype !== 'float32' || y.dtype !== 'float32' || dy.shape.reduce((a, b) => a * b, 1) !== size) {
    throw new Error(
      `${RELU_GRAD} needs float32 dy and y of one shape (got [${dy.shape.join(', ')}] and [${y.shape.join(', ')}])`,
    );
  }
  const dx = backend.makeTensorInfo(y.shape, 'float32');
  if (size > 0) {
    dispatchWgsl(backend, [
      {
        kernel: reluGradKernel,
        tensors: [dy, y, dx],
        uniforms: packUniforms([['u32', size]]),
        workgroups: [strideWorkgroups(size, WORKGROUP)],
      },
    ]);
  }
  return dx;
}

export const webgpuReluGradConfig: KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'webgpu',
  kernelFunc: reluGrad as unknown as KernelFunc,
};
