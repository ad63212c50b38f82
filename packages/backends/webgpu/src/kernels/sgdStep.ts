import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { SGD_STEP, sgdStepParameters, type SgdStepAttrs } from '@nextplay/cls-core';
import {
  kernelPerCount,
  multiTensorBindings,
  multiTensorDispatches,
  multiTensorLoop,
  type MultiTensorItem,
} from './multiTensorKernel.js';
import { WgslKernel, dispatchWgsl } from './wgslKernel.js';

const WORKGROUP = 256;
/** What one parameter binds: parameter and gradient read and the parameter written, and with momentum its buffer. */
const PARAMETER_BUFFERS = {
  plain: [
    ['parameter', 'read'],
    ['gradient', 'read'],
    ['nextParameter', 'read_write'],
  ],
  momentum: [
    ['parameter', 'read'],
    ['gradient', 'read'],
    ['buffer', 'read'],
    ['nextParameter', 'read_write'],
    ['nextBuffer', 'read_write'],
  ],
} as const;

/** The kernel that updates `count` parameters in one dispatch (`multiTensorLoop`), with or without momentum. */
function makeSgdKernel(count: number, withMomentum: boolean): WgslKernel {
  const parameters = Array.from({ length: count }, (_, i) => i);
  const buffers = withMomentum ? PARAMETER_BUFFERS.momentum : PARAMETER_BUFFERS.plain;
  const update = (i: number): string =>
    withMomentum
      ? `let p = parameter${i}[j];
      let g = gradient${i}[j] + u.weightDecay${i} * p;
      var b = g;
      if (u.firstStep${i} == 0u) { b = u.momentum * buffer${i}[j] + u.keep * g; }
      nextBuffer${i}[j] = b;
      var step = b;
      if (u.nesterov != 0u) { step = g + u.momentum * b; }
      nextParameter${i}[j] = p - u.lr * step;`
      : `let p = parameter${i}[j];
      nextParameter${i}[j] = p - u.lr * (gradient${i}[j] + u.weightDecay${i} * p);`;
  return new WgslKernel(
    withMomentum ? `${SGD_STEP} momentum` : SGD_STEP,
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
  plain: kernelPerCount((count) => makeSgdKernel(count, false)),
  momentum: kernelPerCount((count) => makeSgdKernel(count, true)),
};

/**
 * cls-core's `SGD_STEP`: each dispatch updates as many parameters as the device's storage-buffer limit allows (up
 * to four).
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
  const items = parameters.map(({ parameter, gradient, buffer, weightDecay, firstStep }): MultiTensorItem => {
    const updated = buffer === undefined ? [parameter] : [parameter, buffer];
    const results = updated.map((t) => backend.makeTensorInfo(t.shape, 'float32'));
    outputs.push(...results);
    return {
      size: parameter.shape.reduce((a, b) => a * b, 1),
      tensors: [parameter, gradient, ...(buffer === undefined ? [] : [buffer]), ...results],
      fields: [
        ['f32', weightDecay],
        ['u32', firstStep ? 1 : 0],
      ],
    };
  });
  const dispatches = multiTensorDispatches(backend, items, {
    kernel: withMomentum ? sgdKernels.momentum : sgdKernels.plain,
    most: 4,
    common: [
      ['f32', lr],
      ['f32', momentum],
      ['f32', 1 - dampening],
      ['u32', nesterov ? 1 : 0],
    ],
    workgroup: WORKGROUP,
  });
  dispatchWgsl(backend, dispatches);
  return outputs;
}

export const webgpuSgdStepConfig: KernelConfig = {
  kernelName: SGD_STEP,
  backendName: 'webgpu',
  kernelFunc: sgdStep as unknown as KernelFunc,
};
