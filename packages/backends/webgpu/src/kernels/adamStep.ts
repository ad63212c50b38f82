import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  ADAM_STEP,
  ADAM_STEP_INPUTS,
  requiredInputs,
  type AdamStepAttrs,
  type KernelInputs,
} from '@nextplay/cls-core';
import { WgslKernel, dispatchWgsl, packUniforms, strideWorkgroups } from './wgslKernel.js';

const WORKGROUP = 256;

const adamKernel = new WgslKernel(
  'ClsAdamStep',
  /* wgsl */ `
struct Uniforms {
  size: u32, beta1: f32, keep1: f32, beta2: f32, keep2: f32, decay: f32, stepSize: f32,
  invRootCorrection2: f32, eps: f32, l2Decay: f32,
}
@group(0) @binding(0) var<storage, read> parameter: array<f32>;
@group(0) @binding(1) var<storage, read> gradient: array<f32>;
@group(0) @binding(2) var<storage, read> m: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> nextParameter: array<f32>;
@group(0) @binding(5) var<storage, read_write> nextM: array<f32>;
@group(0) @binding(6) var<storage, read_write> nextV: array<f32>;
@group(0) @binding(7) var<uniform> u: Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = id.x; i < u.size; i += groups.x * ${WORKGROUP}u) {
    let p = parameter[i];
    let g = gradient[i] + u.l2Decay * p;
    let mi = u.beta1 * m[i] + u.keep1 * g;
    let vi = u.beta2 * v[i] + u.keep2 * g * g;
    nextM[i] = mi;
    nextV[i] = vi;
    nextParameter[i] = u.decay * p - u.stepSize * mi / (sqrt(vi) * u.invRootCorrection2 + u.eps);
  }
}
`,
  40,
);

/** cls-core's `ADAM_STEP` in one dispatch, where stock ops take about fourteen kernels per parameter. */
function adamStep(args: {
  inputs: KernelInputs<typeof ADAM_STEP_INPUTS, TensorInfo>;
  backend: WebGPUBackend;
  attrs: AdamStepAttrs;
}): TensorInfo[] {
  const { parameter, gradient, m, v } = requiredInputs(ADAM_STEP, args.inputs, ADAM_STEP_INPUTS);
  const { backend } = args;
  const { beta1, beta2, eps, lr, decoupledDecay, l2Decay, correction1, correction2 } = args.attrs;
  const size = parameter.shape.reduce((a, b) => a * b, 1);
  const outputs = [parameter, m, v].map((t) => backend.makeTensorInfo(t.shape, 'float32'));
  dispatchWgsl(backend, [
    {
      kernel: adamKernel,
      tensors: [parameter, gradient, m, v, ...outputs],
      uniforms: packUniforms([
        ['u32', size],
        ['f32', beta1],
        ['f32', 1 - beta1],
        ['f32', beta2],
        ['f32', 1 - beta2],
        ['f32', 1 - lr * decoupledDecay],
        ['f32', lr / correction1],
        ['f32', 1 / Math.sqrt(correction2)],
        ['f32', eps],
        ['f32', l2Decay],
      ]),
      workgroups: [strideWorkgroups(size, WORKGROUP)],
    },
  ]);
  return outputs;
}

export const webgpuAdamStepConfig: KernelConfig = {
  kernelName: ADAM_STEP,
  backendName: 'webgpu',
  kernelFunc: adamStep as unknown as KernelFunc,
};
