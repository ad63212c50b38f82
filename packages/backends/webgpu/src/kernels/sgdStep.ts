import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { SGD_STEP, type SgdStepAttrs } from '@nextplay/cls-core';
import { WgslKernel, dispatchWgsl, packUniforms, strideWorkgroups } from './wgslKernel.js';

const WORKGROUP = 256;

const plainKernel = new WgslKernel(
  'ClsSgdStep',
  /* wgsl */ `
struct Uniforms { size: u32, lr: f32, weightDecay: f32 }
@group(0) @binding(0) var<storage, read> parameter: array<f32>;
@group(0) @binding(1) var<storage, read> gradient: array<f32>;
@group(0) @binding(2) var<storage, read_write> nextParameter: array<f32>;
@group(0) @binding(3) var<uniform> u: Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = id.x; i < u.size; i += groups.x * ${WORKGROUP}u) {
    let p = parameter[i];
    nextParameter[i] = p - u.lr * (gradient[i] + u.weightDecay * p);
  }
}
`,
  12,
);

const momentumKernel = new WgslKernel(
  'ClsSgdStep momentum',
  /* wgsl */ `
struct Uniforms {
  size: u32, lr: f32, weightDecay: f32, momentum: f32, keep: f32, nesterov: u32, firstStep: u32,
}
@group(0) @binding(0) var<storage, read> parameter: array<f32>;
@group(0) @binding(1) var<storage, read> gradient: array<f32>;
@group(0) @binding(2) var<storage, read> buffer: array<f32>;
@group(0) @binding(3) var<storage, read_write> nextParameter: array<f32>;
@group(0) @binding(4) var<storage, read_write> nextBuffer: array<f32>;
@group(0) @binding(5) var<uniform> u: Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = id.x; i < u.size; i += groups.x * ${WORKGROUP}u) {
    let p = parameter[i];
    let g = gradient[i] + u.weightDecay * p;
    var b = g;
    if (u.firstStep == 0u) { b = u.momentum * buffer[i] + u.keep * g; }
    nextBuffer[i] = b;
    var step = b;
    if (u.nesterov != 0u) { step = g + u.momentum * b; }
    nextParameter[i] = p - u.lr * step;
  }
}
`,
  28,
);

/** cls-core's `SGD_STEP` in one dispatch. */
function sgdStep(args: {
  inputs: { parameter?: TensorInfo; gradient?: TensorInfo; buffer?: TensorInfo };
  backend: WebGPUBackend;
  attrs: SgdStepAttrs;
}): TensorInfo[] {
  const { parameter, gradient, buffer } = args.inputs;
  const { lr, weightDecay, momentum, dampening, nesterov, firstStep } = args.attrs;
  if (parameter === undefined || gradient === undefined || (momentum !== 0) !== (buffer !== undefined)) {
    throw new Error(`${SGD_STEP} needs inputs parameter and gradient, and buffer exactly when momentum > 0`);
  }
  const { backend } = args;
  const size = parameter.shape.reduce((a, b) => a * b, 1);
  const workgroups = [strideWorkgroups(size, WORKGROUP)] as const;
  const nextParameter = backend.makeTensorInfo(parameter.shape, 'float32');
  if (buffer === undefined) {
    dispatchWgsl(backend, [
      {
        kernel: plainKernel,
        tensors: [parameter, gradient, nextParameter],
        uniforms: packUniforms([
          ['u32', size],
          ['f32', lr],
          ['f32', weightDecay],
        ]),
        workgroups,
      },
    ]);
    return [nextParameter];
  }
  const nextBuffer = backend.makeTensorInfo(buffer.shape, 'float32');
  dispatchWgsl(backend, [
    {
      kernel: momentumKernel,
      tensors: [parameter, gradient, buffer, nextParameter, nextBuffer],
      uniforms: packUniforms([
        ['u32', size],
        ['f32', lr],
        ['f32', weightDecay],
        ['f32', momentum],
        ['f32', 1 - dampening],
        ['u32', nesterov ? 1 : 0],
        ['u32', firstStep ? 1 : 0],
      ]),
      workgroups,
    },
  ]);
  return [nextParameter, nextBuffer];
}

export const webgpuSgdStepConfig: KernelConfig = {
  kernelName: SGD_STEP,
  backendName: 'webgpu',
  kernelFunc: sgdStep as unknown as KernelFunc,
};
