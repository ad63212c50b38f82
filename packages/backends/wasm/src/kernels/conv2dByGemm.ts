import type { NamedAttrMap, TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import { usedTaps } from './tapRange.js';
import { usedTapWeights, type TapSpan } from './usedTapWeights.js';
import {
  denseRows,
  materializeRows,
  matrixProduct,
  ownProductAvailable,
  type MatrixRows,
} from './matrixProduct.js';
import type { WasmKernelCalls } from './wasmKernelCalls.js';

/** What `conv2dByGemm` applies after the product: `_FusedMatMul`'s bias and activation inputs and attributes. */
export interface GemmEpilogue {
  readonly bias?: TensorInfo;
  readonly preluActivationWeights?: TensorInfo;
  readonly attrs?: NamedAttrMap;
}

/** The filter taps that meet the input, along each axis. */
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
 * A forward convolution (undilated) as one matrix product of the patches with the filter:
 *   y[(n, i, j), co] = Σ_{kh, kw, ci} xpad[n, i·sh + kh, j·sw + kw, ci] · W[kh, kw, ci, co].
 * The patch of output (n, i, j) is, for each filter row kh, one run of xpad (kw and ci contiguous), so the product
 * reads the zero-padded input in place (`MatrixRows`) rather than a patch matrix. Filter taps that only ever meet
 * padding are left out of both operands (a 3×3 'same' convolution of a 1×1 map multiplies by its centre tap
 * alone). Either product packs the filter from its stored layout, where the wasm Conv2D kernel first transposes a
 * new filter element by element, which dominates on large filters.
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
  const { rows, cols } = patchTaps(info);
  if (rows.count === 0 || cols.count === 0) throw new Error('conv2dByGemm: no filter tap meets the input');
  const depth = rows.count * cols.count * inChannels;
  const weights = usedTapWeights(calls, filter, rows, cols);
  const { top, bottom, left, right } = info.padInfo;
  const padded = top + bottom + left + right > 0 ? calls.padSpatial(x, { top, bottom, left, right }) : x;
  const paddedHeight = inHeight + top + bottom;
  const paddedWidth = inWidth + left + right;
  const positions = batchSize * outHeight * outWidth;
  const addresses = new Int32Array(positions * rows.count);
  const start = calls.byteOffset(padded);
  let k = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let i = 0; i < outHeight; i++) {
      for (let j = 0; j < outWidth; j++) {
        for (let u = 0; u < rows.count; u++, k++) {
          const h = i * strideHeight + rows.first + u;
          addresses[k] =
            start + 4 * ((n * paddedHeight + h) * paddedWidth + j * strideWidth + cols.first) * inChannels;
        }
      }
    }
  }
  const patches: MatrixRows = {
    rows: positions,
    segments: rows.count,
    segmentLength: cols.count * inChannels,
    addresses,
  };
  const plain =
    epilogue.bias === undefined &&
    epilogue.preluActivationWeights === undefined &&
    epilogue.attrs === undefined;
  const y =
    plain || ownProductAvailable(calls)
      ? withEpilogue(
          calls,
          matrixProduct(calls, patches, denseRows(calls, weights, depth, outChannels), outChannels),
          epilogue,
        )
      : fusedProduct(calls, materializeRows(calls, patches), weights, epilogue);
  return calls.reshape(y, [batchSize, outHeight, outWidth, outChannels]);
}

/** Kernels of the activations `_FusedMatMul` fuses. */
const ACTIVATION_KERNELS: Record<string, string> = {
  relu: 'Relu',
  relu6: 'Relu6',
  elu: 'Elu',
  sigmoid: 'Sigmoid',
  leakyrelu: 'LeakyRelu',
  prelu: 'Prelu',
};

/** y + bias, then the activation, as `_FusedMatMul` would apply them. */
function withEpilogue(
  calls: WasmKernelCalls,
  y: TensorInfo,
  { bias, preluActivationWeights, attrs }: GemmEpilogue,
): TensorInfo {
  const biased = bias === undefined ? y : calls.run('Add', { a: y, b: bias });
  const activation = typeof attrs?.activation === 'string' ? attrs.activation : 'linear';
  if (activation === 'linear') return biased;
  const kernel = ACTIVATION_KERNELS[activation];
  if (kernel === undefined) throw new Error(`conv2dByGemm: unknown fused activation ${activation}`);
  if (activation === 'prelu') {
    if (preluActivationWeights === undefined)
      throw new Error('conv2dByGemm: prelu needs its activation weights');
    return calls.run(kernel, { x: biased, alpha: preluActivationWeights });
  }
  return calls.run(
    kernel,
    { x: biased },
    activation === 'leakyrelu' ? { alpha: attrs?.leakyreluAlpha ?? 0.2 } : {},
  );
}

/** The product with `_FusedMatMul`'s bias and activation, by XNNPACK (where the engine's product does not run). */
function fusedProduct(
  calls: WasmKernelCalls,
  a: TensorInfo,
  b: TensorInfo,
  { bias, preluActivationWeights, attrs }: GemmEpilogue,
): TensorInfo {
  const inputs: Record<string, TensorInfo> = { a, b };
  if (bias !== undefined) inputs.bias = bias;
  if (preluActivationWeights !== undefined) inputs.preluActivationWeights = preluActivationWeights;
  return calls.run('_FusedMatMul', inputs, { ...attrs, transposeA: false, transposeB: false });
}
