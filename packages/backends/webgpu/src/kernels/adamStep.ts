import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ADAM_STEP, adamStepParameters, type AdamStepAttrs } from '@nextplay/cls-core';
import {
  kernelPerCount,
  multiTensorBindings,
  multiTensorDispatches,
  multiTensorLoop,
  type MultiTensorItem,
} from './multiTensorKernel.js';
import { WgslKernel, dispatchWgsl } from './wgslKernel.js';

const WORKGROUP = 256;
/** What one parameter binds: parameter, gradient, m and v read, and the three results written. */
const PARAMETER_BUFFERS = [
  ['parameter', 'read'],
  ['gradient', 'read'],
  ['m', 'read'],
  ['v', 'read'],
  ['nextParameter', 'read_write'],
  ['nextM', 'read_write'],
  ['nextV', 'read_write'],
] as const;

/** The kernel that updates `count` parameters in one dispatch (`multiTensorLoop`). */
const adamKernel = kernelPerCount((count) => {
  const parameters = Array.from({ length: count }, (_, i) => i);
  const update = (i: number): string => `let p = parameter${i}[j];
      let g = gradient${i}[j] + u.l2Decay${i} * p;
      let mj = u.beta1 * m${i}[j] + u.keep1 * g;
      let vj = u.beta2 * v${i}[j] + u.keep2 * g * g;
      nextM${i}[j] = mj;
      nextV${i}[j] = vj;
      nextParameter${i}[j] = u.decay${i} * p - u.stepSize * mj / (sqrt(vj) * u.invRootCorrection2 + u.eps);`;
  const perParameter = parameters.map((i) => `end${i}: u32, decay${i}: f32, l2Decay${i}: f32,`).join(' ');
  return new WgslKernel(
    ADAM_STEP,
    /* wgsl */ `
struct Uniforms {
  beta1: f32, keep1: f32, beta2: f32, keep2: f32, stepSize: f32, invRootCorrection2: f32, eps: f32,
  ${perParameter}
}
${multiTensorBindings(count, PARAMETER_BUFFERS)}
@group(0) @binding(${PARAMETER_BUFFERS.length * count}) var<uniform> u: Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  ${multiTensorLoop(count, WORKGROUP, update)}
}
`,
    (7 + 3 * count) * 4,
  );
});

/**
 * cls-core's `ADAM_STEP`: each dispatch updates as many parameters as the device's storage-buffer limit allows (up
 * to four), where stock ops take about fourteen kernels per parameter.
 */
function adamStep(args: {
  inputs: readonly TensorInfo[];
  backend: WebGPUBackend;
  attrs: AdamStepAttrs;
}): TensorInfo[] {
  const { backend, attrs } = args;
  const { beta1, beta2, eps, lr, correction1, correction2 } = attrs;
  const parameters = adamStepParameters(args.inputs, attrs);
  const outputs: TensorInfo[] = [];
  const items = parameters.map(({ parameter, gradient, m, v, decoupledDecay, l2Decay }): MultiTensorItem => {
    const results = [parameter, m, v].map((t) => backend.makeTensorInfo(t.shape, 'float32'));
    outputs.push(...results);
    return {
      size: parameter.shape.reduce((a, b) => a * b, 1),
      tensors: [parameter, gradient, m, v, ...results],
      fields: [
        ['f32', 1 - lr * decoupledDecay],
        ['f32', l2Decay],
      ],
    };
  });
  const dispatches = multiTensorDispatches(backend, items, {
    kernel: adamKernel,
    most: 4,
    common: [
      ['f32', beta1],
      ['f32', 1 - beta1],
      ['f32', beta2],
      ['f32', 1 - beta2],
      ['f32', lr / correction1],
      ['f32', 1 / Math.sqrt(correction2)],
      ['f32', eps],
    ],
    workgroup: WORKGROUP,
  });
  dispatchWgsl(backend, dispatches);
  return outputs;
}

export const webgpuAdamStepConfig: KernelConfig = {
  kernelName: ADAM_STEP,
  backendName: 'webgpu',
  kernelFunc: adamStep as unknown as KernelFunc,
};
