import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { UNSCALE_GRADIENTS, type UnscaleGradientsAttrs } from '@nextplay/cls-core';
import {
  kernelPerCount,
  multiTensorBindings,
  multiTensorDispatches,
  multiTensorLoop,
  type MultiTensorItem,
} from './multiTensorKernel.js';
import { WgslKernel, dispatchWgsl } from './wgslKernel.js';

const WORKGROUP = 256;
/** What one gradient binds: the gradient read and its scaled copy written. */
const GRADIENT_BUFFERS = [
  ['gradient', 'read'],
  ['scaled', 'read_write'],
] as const;

/**
 * The kernel that scales `count` gradients in one dispatch (`multiTensorLoop`) and ORs 1 into `found` where one of
 * their values is inf or NaN, once per thread at most.
 */
const unscaleKernel = kernelPerCount((count) => {
  const gradients = Array.from({ length: count }, (_, i) => i);
  // From the bits (all exponent bits set), not x != x or isinf: compilers may fold those away.
  const scale = (i: number): string => `let x = gradient${i}[j];
      scaled${i}[j] = x * u.scale;
      if ((bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u) { nonFinite = 1u; }`;
  return new WgslKernel(
    UNSCALE_GRADIENTS,
    /* wgsl */ `
struct Uniforms { scale: f32, ${gradients.map((i) => `end${i}: u32,`).join(' ')} }
${multiTensorBindings(count, GRADIENT_BUFFERS)}
@group(0) @binding(${GRADIENT_BUFFERS.length * count}) var<storage, read_write> found: array<atomic<u32>>;
@group(0) @binding(${GRADIENT_BUFFERS.length * count + 1}) var<uniform> u: Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  var nonFinite = 0u;
  ${multiTensorLoop(count, WORKGROUP, scale)}
  if (nonFinite != 0u) { atomicOr(&found[0], 1u); }
}
`,
    (1 + count) * 4,
  );
});

/**
 * cls-core's `UNSCALE_GRADIENTS`: each dispatch scales as many gradients as the device's storage-buffer limit
 * allows (up to eight), all of them ORing into one int32 flag that starts at 0.
 */
function unscaleGradients(args: {
  inputs: readonly TensorInfo[];
  backend: WebGPUBackend;
  attrs: UnscaleGradientsAttrs;
}): TensorInfo[] {
  const { backend, attrs } = args;
  const gradients: readonly TensorInfo[] = Array.isArray(args.inputs) ? args.inputs : [];
  if (gradients.length === 0 || gradients.some((gradient) => gradient.dtype !== 'float32')) {
    throw new Error(`${UNSCALE_GRADIENTS} needs an array of float32 gradients`);
  }
  // Its value is uploaded (a copy recorded before the dispatches) the first time a dispatch binds it.
  const found = backend.makeTensorInfo([], 'int32', new Int32Array([0]));
  const outputs: TensorInfo[] = [];
  const items = gradients.map((gradient): MultiTensorItem => {
    const scaled = backend.makeTensorInfo(gradient.shape, 'float32');
    outputs.push(scaled);
    return { size: gradient.shape.reduce((a, b) => a * b, 1), tensors: [gradient, scaled], fields: [] };
  });
  const dispatches = multiTensorDispatches(backend, items, {
    kernel: unscaleKernel,
    most: 8,
    common: [['f32', attrs.scale]],
    shared: [found],
    workgroup: WORKGROUP,
  });
  dispatchWgsl(backend, dispatches);
  return [...outputs, found];
}

export const webgpuUnscaleGradientsConfig: KernelConfig = {
  kernelName: UNSCALE_GRADIENTS,
  backendName: 'webgpu',
  kernelFunc: unscaleGradients as unknown as KernelFunc,
};
