import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { SGD_STEP, sgdStepParameters, type SgdStepAttrs } from '@nextplay/cls-core';
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
 * What one parameter binds: parameter and gradient, with momentum its buffer, and the results written to new
 * tensors (the parameter's, and the buffer's), or over the parameter and buffer themselves where they are theirs
 * alone (`placeResults`).
 */
const PARAMETER_BUFFERS = {
  plain: [
    ['parameter', 'read'],
    ['gradient', 'read'],
    ['nextParameter', 'read_write'],
  ],
  plainInPlace: [
    ['parameter', 'read_write'],
    ['gradient', 'read'],
  ],
  momentum: [
    ['parameter', 'read'],
    ['gradient', 'read'],
    ['buffer', 'read'],
    ['nextParameter', 'read_write'],
    ['nextBuffer', 'read_write'],
  ],
  momentumInPlace: [
    ['parameter', 'read_write'],
    ['gradient', 'read'],
    ['buffer', 'read_write'],
  ],
} as const;

/** The kernel that updates `count` parameters in one dispatch (`multiTensorLoop`). */
function makeSgdKernel(count: number, withMomentum: boolean, inPlace: boolean): WgslKernel {
  const parameters = Array.from({ length: count }, (_, i) => i);
  const buffers = PARAMETER_BUFFERS[`${withMomentum ? 'momentum' : 'plain'}${inPlace ? 'InPlace' : ''}`];
  const [nextParameter, nextBuffer] = inPlace ? ['parameter', 'buffer'] : ['nextParameter', 'nextBuffer'];
  const update = (i: number): string =>
    withMomentum
      ? `let p = parameter${i}[j];
      let g = gradient${i}[j] + u.weightDecay${i} * p;
      var b = g;
      if (u.firstStep${i} == 0u) { b = u.momentum * buffer${i}[j] + u.keep * g; }
      ${nextBuffer}${i}[j] = b;
      var step = b;
      if (u.nesterov != 0u) { step = g + u.momentum * b; }
      ${nextParameter}${i}[j] = p - u.lr * step;`
      : `let p = parameter${i}[j];
      ${nextParameter}${i}[j] = p - u.lr * (gradient${i}[j] + u.weightDecay${i} * p);`;
  return new WgslKernel(
    `${SGD_STEP}${withMomentum ? ' momentum' : ''}${inPlace ? ' in place' : ''}`,
    /* wgsl */ `
struct Uniforms {
  lr: f32, momentum: f32, keep: f32, nesterov: u32,
  ${parameters.map((i) => `end${i}: u32, weightDecay${i}: f32, firstStep${i}: u32,`).join(' ')}
}
${multiTensorBindings(count, buffers)}
@group(0) @binding(${buffers.length * count}) var<uniform> u: Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  ${multiTensorLoop(count, WORKGROUP, update)}
}
`,
    (4 + 3 * count) * 4,
  );
}

const sgdKernels = {
  plain: kernelPerCount((count) => makeSgdKernel(count, false, false)),
  plainInPlace: kernelPerCount((count) => makeSgdKernel(count, false, true)),
  momentum: kernelPerCount((count) => makeSgdKernel(count, true, false)),
  momentumInPlace: kernelPerCount((count) => makeSgdKernel(count, true, true)),
};

/**
 * cls-core's `SGD_STEP`: each dispatch updates as many parameters as the device's storage-buffer limit allows (up
 * to four), in place where the parameter (and its buffer) are theirs alone.
 */
function sgdStep(args: {
  inputs: readonly TensorInfo[];
  backend: WebGPUBackend;
  attrs: SgdStepAttrs;
}): TensorInfo[] {
  const { backend, attrs } = args;
  const { lr, momentum, dampening, nesterov } = attrs;
  const withMomentum = momentum !== 0;
  const parameters = sgdStepParameters(args.inputs, attrs);
  const outputs: TensorInfo[] = [];
  const items: PlacedItems = { inPlace: [], outOfPlace: [] };
  for (const { parameter, gradient, buffer, weightDecay, firstStep } of parameters) {
    const updated = buffer === undefined ? [parameter] : [parameter, buffer];
    const { inPlace, results } = placeResults(backend, updated);
    outputs.push(...results);
    (inPlace ? items.inPlace : items.outOfPlace).push({
      size: parameter.shape.reduce((a, b) => a * b, 1),
      tensors: [parameter, gradient, ...(buffer === undefined ? [] : [buffer]), ...(inPlace ? [] : results)],
      fields: [
        ['f32', weightDecay],
        ['u32', firstStep ? 1 : 0],
      ],
    });
  }
  const common = [
    ['f32', lr],
    ['f32', momentum],
    ['f32', 1 - dampening],
    ['u32', nesterov ? 1 : 0],
  ] as const;
  const kernels = withMomentum
    ? { inPlace: sgdKernels.momentumInPlace, outOfPlace: sgdKernels.momentum }
    : { inPlace: sgdKernels.plainInPlace, outOfPlace: sgdKernels.plain };
  dispatchWgsl(backend, placedDispatches(backend, items, kernels, { most: 4, common, workgroup: WORKGROUP }));
  return outputs;
}

export const webgpuSgdStepConfig: KernelConfig = {
  kernelName: SGD_STEP,
  backendName: 'webgpu',
  kernelFunc: sgdStep as unknown as KernelFunc,
};
