import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ADAM_STEP, adamStepParameters, type AdamStepAttrs } from '@nextplay/cls-core';
import {
  kernelPerCount,
  multiTensorBindings,
  multiTensorLoop,
  placedDispatches,
  placeResults,
  type PlacedItems,
} from './multiTensorKernel.js';
import { WgslKernel, dispatchWgsl } from './wgslKernel.js';

const WORKGROUP = 256;
/**
 * What one parameter binds: parameter, gradient, m and v, and the three results written to new tensors, or over
 * parameter, m and v themselves where they are theirs alone (`placeResults`), which halves the buffers bound.
 */
const PARAMETER_BUFFERS = {
  outOfPlace: [
    ['parameter', 'read'],
    ['gradient', 'read'],
    ['m', 'read'],
    ['v', 'read'],
    ['nextParameter', 'read_write'],
    ['nextM', 'read_write'],
    ['nextV', 'read_write'],
  ],
  inPlace: [
    ['parameter', 'read_write'],
    ['gradient', 'read'],
    ['m', 'read_write'],
    ['v', 'read_write'],
  ],
} as const;

/** The kernel that updates `count` parameters in one dispatch (`multiTensorLoop`), in place or not. */
function makeAdamKernel(count: number, inPlace: boolean): WgslKernel {
  const parameters = Array.from({ length: count }, (_, i) => i);
  const [nextParameter, nextM, nextV] = inPlace
    ? ['parameter', 'm', 'v']
    : ['nextParameter', 'nextM', 'nextV'];
  const buffers = inPlace ? PARAMETER_BUFFERS.inPlace : PARAMETER_BUFFERS.outOfPlace;
  const update = (i: number): string => `let p = parameter${i}[j];
      let g = gradient${i}[j] + u.l2Decay${i} * p;
      let mj = u.beta1 * m${i}[j] + u.keep1 * g;
      let vj = u.beta2 * v${i}[j] + u.keep2 * g * g;
      ${nextM}${i}[j] = mj;
      ${nextV}${i}[j] = vj;
      ${nextParameter}${i}[j] = u.decay${i} * p - u.stepSize * mj / (sqrt(vj) * u.invRootCorrection2 + u.eps);`;
  const perParameter = parameters.map((i) => `end${i}: u32, decay${i}: f32, l2Decay${i}: f32,`).join(' ');
  return new WgslKernel(
    inPlace ? `${ADAM_STEP} in place` : ADAM_STEP,
    /* wgsl */ `
struct Uniforms {
  beta1: f32, keep1: f32, beta2: f32, keep2: f32, stepSize: f32, invRootCorrection2: f32, eps: f32,
  ${perParameter}
}
${multiTensorBindings(count, buffers)}
@group(0) @binding(${buffers.length * count}) var<uniform> u: Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  ${multiTensorLoop(count, WORKGROUP, update)}
}
`,
    (7 + 3 * count) * 4,
  );
}

const adamKernel = {
  outOfPlace: kernelPerCount((count) => makeAdamKernel(count, false)),
  inPlace: kernelPerCount((count) => makeAdamKernel(count, true)),
};

/**
 * cls-core's `ADAM_STEP`: each dispatch updates as many parameters as the device's storage-buffer limit allows (up
 * to four), where stock ops take about fourteen kernels per parameter. A parameter whose tensors are their own
 * (the usual case) is updated in place.
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
  const items: PlacedItems = { inPlace: [], outOfPlace: [] };
  for (const { parameter, gradient, m, v, decoupledDecay, l2Decay } of parameters) {
    const { inPlace, results } = placeResults(backend, [parameter, m, v]);
    outputs.push(...results);
    (inPlace ? items.inPlace : items.outOfPlace).push({
      size: parameter.shape.reduce((a, b) => a * b, 1),
      tensors: inPlace ? [parameter, gradient, m, v] : [parameter, gradient, m, v, ...results],
      fields: [
        ['f32', 1 - lr * decoupledDecay],
        ['f32', l2Decay],
      ],
    });
  }
  const common = [
    ['f32', beta1],
    ['f32', 1 - beta1],
    ['f32', beta2],
    ['f32', 1 - beta2],
    ['f32', lr / correction1],
    ['f32', 1 / Math.sqrt(correction2)],
    ['f32', eps],
  ] as const;
  dispatchWgsl(
    backend,
    placedDispatches(backend, items, adamKernel, { most: 4, common, workgroup: WORKGROUP }),
  );
  return outputs;
}

export const webgpuAdamStepConfig: KernelConfig = {
  kernelName: ADAM_STEP,
  backendName: 'webgpu',
  kernelFunc: adamStep as unknown as KernelFunc,
};
