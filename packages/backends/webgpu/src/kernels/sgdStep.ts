import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { SGD_STEP, sgdStepParameters, type SgdStepAttrs } from '@nextplay/cls-core';
import {
  kernelPerCount,
  multiTensorDispatches,
  multiTensorLoop,
  tensorsPerDispatch,
  type MultiTensorItem,
} from './multiTensorKernel.js';
import { WgslKernel, dispatchWgsl } from './wgslKernel.js';

const WORKGROUP = 256;
/** Parameters one dispatch updates at most, so that the chain of range tests each value goes through stays short. */
const MAX_PARAMETERS_PER_DISPATCH = 4;

/** Storage buffers one parameter binds: parameter and gradient read and the parameter written, with its buffer. */
function buffersPerParameter(withMomentum: boolean): number {
  return withMomentum ? 5 : 3;
}

/** The kernel that updates `count` parameters in one dispatch (`multiTensorLoop`), with or without momentum. */
function makeSgdKernel(count: number, withMomentum: boolean): WgslKernel {
  const parameters = Array.from({ length: count }, (_, i) => i);
  const names = withMomentum
    ? ['parameter', 'gradient', 'buffer', 'nextParameter', 'nextBuffer']
    : ['parameter', 'gradient', 'nextParameter'];
  const each = buffersPerParameter(withMomentum);
  const bindings = parameters.flatMap((i) =>
    names.map((name, j) => {
      const access = name.startsWith('next') ? 'read_write' : 'read';
      return `@group(0) @binding(${each * i + j}) var<storage, ${access}> ${name}${i}: array<f32>;`;
    }),
  );
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
${bindings.join('\n')}
@group(0) @binding(${each * count}) var<uniform> u: Uniforms;

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
  const perDispatch = tensorsPerDispatch(
    backend,
    buffersPerParameter(withMomentum),
    0,
    MAX_PARAMETERS_PER_DISPATCH,
  );
  const outputs: TensorInfo[] = [];
  const items = parameters.map(({ parameter, gradient, buffer, weightDecay, firstStep }): MultiTensorItem => {
    const read = buffer === undefined ? [parameter, gradient] : [parameter, gradient, buffer];
    const results = read.filter((_, k) => k !== 1).map((t) => backend.makeTensorInfo(t.shape, 'float32'));
    outputs.push(...results);
    return {
      size: parameter.shape.reduce((a, b) => a * b, 1),
      tensors: [...read, ...results],
      fields: [
        ['f32', weightDecay],
        ['u32', firstStep ? 1 : 0],
      ],
    };
  });
  const dispatches = multiTensorDispatches(items, perDispatch, {
    kernel: withMomentum ? sgdKernels.momentum : sgdKernels.plain,
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
