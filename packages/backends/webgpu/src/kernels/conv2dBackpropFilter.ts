import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  Conv2DBackpropFilter,
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { stockKernel } from './stockKernels.js';
import { WgslKernel, dispatchWgsl, packUniforms, strideWorkgroups } from './wgslKernel.js';

/** Output tile per workgroup (TILE × TILE, 4 × 4 values per thread) and the K values loaded per step. */
const TILE = 64;
const TK = 16;
/** Workgroups a split-K dispatch aims at: enough to fill a large GPU several times over. */
const TARGET_WORKGROUPS = 512;
/** The fewest K values one split sums, so that its tiles' loads pay for themselves. */
const MIN_K_PER_SPLIT = 256;
const REDUCE_WORKGROUP = 256;

/**
 * dW[(kh, kw, ci), co] = Σ_k A[k, (kh, kw, ci)] · dy[k, co] over k = (batch, out row, out column), A being the input
 * patches (implicit im2col: each tile is gathered from x as it is loaded). K is far larger than the output (the stem
 * at 64 px, batch 64: K = 65,536 for a 147 × 64 gradient), so K is split across workgroups (z) that each write a
 * partial product, and a second pass adds the partials up. NCHW goes to the stock kernel.
 */
const partialProducts = new WgslKernel(
  'Conv2DBackpropFilter tiles',
  /* wgsl */ `
struct Uniforms {
  M: u32, N: u32, K: u32, kPerSplit: u32,
  inHeight: u32, inWidth: u32, inChannels: u32, outHeight: u32, outWidth: u32,
  filterWidth: u32, strideHeight: u32, strideWidth: u32, padTop: i32, padLeft: i32,
}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;
@group(0) @binding(3) var<uniform> u: Uniforms;

var<workgroup> tileA: array<array<f32, ${TILE}>, ${TK}>;
var<workgroup> tileB: array<array<f32, ${TILE}>, ${TK}>;

fn patchValue(k: u32, m: u32) -> f32 {
  if (k >= u.K || m >= u.M) { return 0.0; }
  let ci = m % u.inChannels;
  let tap = m / u.inChannels;
  let ow = k % u.outWidth;
  let rows = k / u.outWidth;
  let ih = i32((rows % u.outHeight) * u.strideHeight + tap / u.filterWidth) - u.padTop;
  let iw = i32(ow * u.strideWidth + tap % u.filterWidth) - u.padLeft;
  if (ih < 0 || iw < 0 || ih >= i32(u.inHeight) || iw >= i32(u.inWidth)) { return 0.0; }
  let b = rows / u.outHeight;
  return x[((b * u.inHeight + u32(ih)) * u.inWidth + u32(iw)) * u.inChannels + ci];
}

fn gradientValue(k: u32, n: u32) -> f32 {
  if (k >= u.K || n >= u.N) { return 0.0; }
  return dy[k * u.N + n];
}

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) local: vec3<u32>, @builtin(workgroup_id) group: vec3<u32>) {
  let m0 = group.x * ${TILE}u;
  let n0 = group.y * ${TILE}u;
  let kStart = group.z * u.kPerSplit;
  let kEnd = min(kStart + u.kPerSplit, u.K);
  let flat = local.y * 16u + local.x;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = kStart; k0 < kEnd; k0 += ${TK}u) {
    for (var r = 0u; r < ${(TK * TILE) / 256}u; r++) {
      let e = flat + r * 256u;
      let kk = e / ${TILE}u;
      let column = e % ${TILE}u;
      let k = k0 + kk;
      let inside = k < kEnd;
      tileA[kk][column] = select(0.0, patchValue(k, m0 + column), inside);
      tileB[kk][column] = select(0.0, gradientValue(k, n0 + column), inside);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${TK}u; kk++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        a[i] = tileA[kk][local.y + 16u * i];
        b[i] = tileB[kk][local.x + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  let base = group.z * u.M * u.N;
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + local.y + 16u * i;
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + local.x + 16u * j;
      if (m < u.M && n < u.N) { partial[base + m * u.N + n] = acc[i][j]; }
    }
  }
}
`,
  56,
);

const sumPartials = new WgslKernel(
  'Conv2DBackpropFilter sum',
  /* wgsl */ `
struct Uniforms { size: u32, splits: u32 }
@group(0) @binding(0) var<storage, read> partial: array<f32>;
@group(0) @binding(1) var<storage, read_write> dw: array<f32>;
@group(0) @binding(2) var<uniform> u: Uniforms;

@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = id.x; i < u.size; i += groups.x * ${REDUCE_WORKGROUP}u) {
    var total = 0.0;
    for (var s = 0u; s < u.splits; s++) { total += partial[s * u.size + i]; }
    dw[i] = total;
  }
}
`,
  8,
);

/** K splits for an M × N gradient over K values: enough workgroups, each split still a useful length. */
export function splitCount(m: number, n: number, k: number): number {
  const tiles = Math.ceil(m / TILE) * Math.ceil(n / TILE);
  const wanted = Math.ceil(TARGET_WORKGROUPS / tiles);
  return Math.max(1, Math.min(wanted, Math.floor(k / MIN_K_PER_SPLIT), 65535));
}

function conv2dBackpropFilter(args: {
  inputs: { x?: TensorInfo; dy?: TensorInfo };
  backend: WebGPUBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  if (x === undefined || dy === undefined) throw new Error('Conv2DBackpropFilter needs inputs x and dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  const conv = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  // tfjs has no dilated convolution gradients (it refuses them before a kernel runs): only the layout varies.
  if (format !== 'channelsLast') {
    const stock = stockKernel(Conv2DBackpropFilter);
    if (stock === undefined) throw new Error('the stock webgpu Conv2DBackpropFilter kernel was not kept');
    return stock.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  }
  const m = conv.filterHeight * conv.filterWidth * conv.inChannels;
  const n = conv.outChannels;
  const k = conv.batchSize * conv.outHeight * conv.outWidth;
  const splits = splitCount(m, n, k);
  const kPerSplit = Math.ceil(k / splits / TK) * TK;
  const usedSplits = Math.ceil(k / kPerSplit);
  const dw = backend.makeTensorInfo(filterShape, 'float32');
  const partial = usedSplits === 1 ? dw : backend.makeTensorInfo([usedSplits, m, n], 'float32');
  const tiles = packUniforms([
    ['u32', m],
    ['u32', n],
    ['u32', k],
    ['u32', kPerSplit],
    ['u32', conv.inHeight],
    ['u32', conv.inWidth],
    ['u32', conv.inChannels],
    ['u32', conv.outHeight],
    ['u32', conv.outWidth],
    ['u32', conv.filterWidth],
    ['u32', conv.strideHeight],
    ['u32', conv.strideWidth],
    ['i32', conv.padInfo.top],
    ['i32', conv.padInfo.left],
  ]);
  dispatchWgsl(backend, [
    {
      kernel: partialProducts,
      tensors: [x, dy, partial],
      uniforms: tiles,
      workgroups: [Math.ceil(m / TILE), Math.ceil(n / TILE), usedSplits],
    },
    ...(usedSplits === 1
      ? []
      : [
          {
            kernel: sumPartials,
            tensors: [partial, dw],
            uniforms: packUniforms([
              ['u32', m * n],
              ['u32', usedSplits],
            ]),
            workgroups: [strideWorkgroups(m * n, REDUCE_WORKGROUP)] as const,
          },
        ]),
  ]);
  if (partial !== dw) backend.disposeData(partial.dataId);
  return dw;
}

export const webgpuConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'webgpu',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
