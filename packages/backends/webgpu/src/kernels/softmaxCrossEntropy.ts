import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  SOFTMAX_CROSS_ENTROPY,
  SOFTMAX_CROSS_ENTROPY_GRAD,
  SOFTMAX_CROSS_ENTROPY_GRAD_INPUTS,
  SOFTMAX_CROSS_ENTROPY_INPUTS,
  requiredInputs,
  type KernelInputs,
  type SoftmaxCrossEntropyAttrs,
} from '@nextplay/cls-core';
import { WgslKernel, dispatchWgsl, packUniforms, strideWorkgroups } from './wgslKernel.js';

/**
 * Softmax cross-entropy of class labels in one dispatch each way, where tfjs runs a dozen element-wise and reduction
 * kernels forward (one-hot, log-sum-exp, products, sums, the mean) and as many backward. A thread takes a row
 * (sample) at a time: rows are few and short next to a training step's convolutions.
 */

const WORKGROUP = 256;

/** WGSL for row r of `logits` ([n, k]): its max, log-sum-exp and smoothed target of class c. */
const ROW_HELPERS = /* wgsl */ `
fn rowLogSumExp(r: u32) -> f32 {
  let base = r * u.classes;
  var top = logits[base];
  for (var c = 1u; c < u.classes; c++) { top = max(top, logits[base + c]); }
  var total = 0.0;
  for (var c = 0u; c < u.classes; c++) { total += exp(logits[base + c] - top); }
  return top + log(total);
}

fn smoothedTarget(r: u32, c: u32) -> f32 {
  let hit = select(0.0, 1.0 - u.smoothing, u32(labels[r]) == c && labels[r] >= 0);
  return hit + u.smoothing / f32(u.classes);
}
`;

/** One workgroup: each thread sums the losses of its rows, then a tree adds the threads' sums; loss = sum / n. */
const forwardKernel = new WgslKernel(
  SOFTMAX_CROSS_ENTROPY,
  /* wgsl */ `
struct Uniforms { rows: u32, classes: u32, smoothing: f32 }
@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<i32>;
@group(0) @binding(2) var<storage, read_write> loss: array<f32>;
@group(0) @binding(3) var<uniform> u: Uniforms;
var<workgroup> sums: array<f32, ${WORKGROUP}>;
${ROW_HELPERS}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(local_invocation_index) lane: u32) {
  var total = 0.0;
  for (var r = lane; r < u.rows; r += ${WORKGROUP}u) {
    let lse = rowLogSumExp(r);
    var rowLoss = 0.0;
    for (var c = 0u; c < u.classes; c++) { rowLoss += smoothedTarget(r, c) * (lse - logits[r * u.classes + c]); }
    total += rowLoss;
  }
  sums[lane] = total;
  for (var stride = ${WORKGROUP / 2}u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (lane < stride) { sums[lane] += sums[lane + stride]; }
  }
  if (lane == 0u) { loss[0] = sums[0] / f32(u.rows); }
}
`,
  12,
);

/** A thread per row: dLogits = (dy/n)·(softmax − target). */
const gradientKernel = new WgslKernel(
  SOFTMAX_CROSS_ENTROPY_GRAD,
  /* wgsl */ `
struct Uniforms { rows: u32, classes: u32, smoothing: f32 }
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> dLogits: array<f32>;
@group(0) @binding(4) var<uniform> u: Uniforms;
${ROW_HELPERS}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let scale = dy[0] / f32(u.rows);
  for (var r = id.x; r < u.rows; r += groups.x * ${WORKGROUP}u) {
    let lse = rowLogSumExp(r);
    for (var c = 0u; c < u.classes; c++) {
      let i = r * u.classes + c;
      dLogits[i] = scale * (exp(logits[i] - lse) - smoothedTarget(r, c));
    }
  }
}
`,
  12,
);

/** [n, k] float32 logits and [n] int32 labels, n, k ≥ 1; a one-line error otherwise. */
function shapeOf(
  kernelName: string,
  logits: TensorInfo,
  labels: TensorInfo,
): { rows: number; classes: number } {
  const [rows = 0, classes = 0] = logits.shape;
  if (
    logits.shape.length !== 2 ||
    logits.dtype !== 'float32' ||
    labels.dtype !== 'int32' ||
    labels.shape.length !== 1 ||
    labels.shape[0] !== rows ||
    rows === 0 ||
    classes === 0
  ) {
    throw new Error(
      `${kernelName} needs float32 logits [n, k] and int32 labels [n] (got ${logits.dtype} [${logits.shape.join(', ')}] and ${labels.dtype} [${labels.shape.join(', ')}])`,
    );
  }
  return { rows, classes };
}

function uniforms(rows: number, classes: number, attrs: SoftmaxCrossEntropyAttrs): ArrayBuffer {
  return packUniforms([
    ['u32', rows],
    ['u32', classes],
    ['f32', attrs.labelSmoothing],
  ]);
}

function softmaxCrossEntropy(args: {
  inputs: KernelInputs<typeof SOFTMAX_CROSS_ENTROPY_INPUTS, TensorInfo>;
  backend: WebGPUBackend;
  attrs: SoftmaxCrossEntropyAttrs;
}): TensorInfo {
  const { logits, labels } = requiredInputs(SOFTMAX_CROSS_ENTROPY, args.inputs, SOFTMAX_CROSS_ENTROPY_INPUTS);
  const { rows, classes } = shapeOf(SOFTMAX_CROSS_ENTROPY, logits, labels);
  const loss = args.backend.makeTensorInfo([], 'float32');
  dispatchWgsl(args.backend, [
    {
      kernel: forwardKernel,
      tensors: [logits, labels, loss],
      uniforms: uniforms(rows, classes, args.attrs),
      workgroups: [1],
    },
  ]);
  return loss;
}

function softmaxCrossEntropyGrad(args: {
  inputs: KernelInputs<typeof SOFTMAX_CROSS_ENTROPY_GRAD_INPUTS, TensorInfo>;
  backend: WebGPUBackend;
  attrs: SoftmaxCrossEntropyAttrs;
}): TensorInfo {
  const { dy, logits, labels } = requiredInputs(
    SOFTMAX_CROSS_ENTROPY_GRAD,
    args.inputs,
    SOFTMAX_CROSS_ENTROPY_GRAD_INPUTS,
  );
  const { rows, classes } = shapeOf(SOFTMAX_CROSS_ENTROPY_GRAD, logits, labels);
  if (dy.dtype !== 'float32' || dy.shape.reduce((a, b) => a * b, 1) !== 1) {
    throw new Error(`${SOFTMAX_CROSS_ENTROPY_GRAD} needs a float32 scalar dy (got [${dy.shape.join(', ')}])`);
  }
  const dLogits = args.backend.makeTensorInfo(logits.shape, 'float32');
  dispatchWgsl(args.backend, [
    {
      kernel: gradientKernel,
      tensors: [dy, logits, labels, dLogits],
      uniforms: uniforms(rows, classes, args.attrs),
      workgroups: [strideWorkgroups(rows, WORKGROUP)],
    },
  ]);
  return dLogits;
}

export const webgpuSoftmaxCrossEntropyConfig: KernelConfig = {
  kernelName: SOFTMAX_CROSS_ENTROPY,
  backendName: 'webgpu',
  kernelFunc: softmaxCrossEntropy as unknown as KernelFunc,
};

export const webgpuSoftmaxCrossEntropyGradConfig: KernelConfig = {
  kernelName: SOFTMAX_CROSS_ENTROPY_GRAD,
  backendName: 'webgpu',
  kernelFunc: softmaxCrossEntropyGrad as unknown as KernelFunc,
};
