import type { NamedAttrMap, TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import { usedTaps } from './tapRange.js';
import { usedTapWeights, type TapSpan } from './usedTapWeights.js';
import type { WasmKernelCalls } from './wasmKernelCalls.js';

/** What `conv2dByGemm` applies after the product: `_FusedMatMul`'s bias and activation inputs and attributes. */
export interface GemmEpilogue {
  readonly bias?: TensorInfo;
  readonly preluActivationWeights?: TensorInfo;
  readonly attrs?: NamedAttrMap;
}

function patchTaps(info: backend_util.Conv2DInfo): { rows: TapSpan; cols: TapSpan } {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, padInfo } = info;
  const span = ({ first, last }: { first: number; last: number }): TapSpan => ({
    first,
    count: Math.max(0, last - first + 1),
  });
  return {
    rows: span(usedTaps(filterHeight, inHeight, outHeight, info.strideHeight, padInfo.top)),
    cols: span(usedTaps(filterWidth, inWidth, outWidth, info.strideWidth, padInfo.left)),
  };
}

/** Values of the patch matrix `conv2dByGemm` builds; 0 when no filter tap meets the input. */
export function gemmPatchValues(info: backend_util.Conv2DInfo): number {
  const { rows, cols } = patchTaps(info);
  return info.batchSize * info.outHeight * info.outWidth * rows.count * cols.count * info.inChannels;
}

/**
 * A forward convolution (undilated) as one matrix product of the patches ("im2col") with the filter:
 *   y[(n, i, j), co] = Σ_{kh, kw, ci} xpad[n, i·sh + kh − top, j·sw + kw − left, ci] · W[kh, kw, ci, co].
 * Filter taps that only ever meet padding are left out of both operands (a 3×3 'same' convolution of a 1×1 map
 * multiplies by its centre tap alone). XNNPACK's matrix product packs the filter from its stored layout, where the
 * wasm Conv2D kernel first transposes a new filter element by element, which dominates on large filters.
 */
export function conv2dByGemm(
  calls: WasmKernelCalls,
  x: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
  epilogue: GemmEpilogue = {},
): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const { rows, cols } = patchTaps(info);
  if (rows.count === 0 || cols.count === 0) throw new Error('conv2dByGemm: no filter tap meets the input');
  const depth = rows.count * cols.count * inChannels;
  const positions = batchSize * outHeight * outWidth;

  const weights = usedTapWeights(calls, filter, rows, cols);
  const patches = calls.allocate([1, positions, depth]);
  const source = calls.view(x);
  const target = calls.view(patches);
  target.fill(0);
  const rowRun = cols.count * inChannels;
  let p = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let i = 0; i < outHeight; i++) {
      for (let j = 0; j < outWidth; j++, p++) {
        const w0 = j * strideWidth + cols.first - left;
        // Taps v in [vFirst, vEnd) fall inside the input's width: one contiguous run of x per patch row.
        const vFirst = Math.max(0, -w0);
        const vEnd = Math.min(cols.count, inWidth - w0);
        if (vEnd <= vFirst) continue;
        for (let u = 0; u < rows.count; u++) {
          const h = i * strideHeight + u + rows.first - top;
          if (h < 0 || h >= inHeight) continue;
          const from = ((n * inHeight + h) * inWidth + w0 + vFirst) * inChannels;
          const to = p * depth + u * rowRun + vFirst * inChannels;
          target.set(source.subarray(from, from + (vEnd - vFirst) * inChannels), to);
        }
      }
    }
  }
  return calls.reshape(product(calls, patches, weights, epilogue), [
    batchSize,
    outHeight,
    outWidth,
    outChannels,
  ]);
}

function product(
  calls: WasmKernelCalls,
  a: TensorInfo,
  b: TensorInfo,
  { bias, preluActivationWeights, attrs }: GemmEpilogue,
): TensorInfo {
  if (bias === undefined && preluActivationWeights === undefined && attrs === undefined) {
    return calls.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  }
  const inputs: Record<string, TensorInfo> = { a, b };
  if (bias !== undefined) inputs.bias = bias;
  if (preluActivationWeights !== undefined) inputs.preluActivationWeights = preluActivationWeights;
  return calls.run('_FusedMatMul', inputs, { ...attrs, transposeA: false, transposeB: false });
}
