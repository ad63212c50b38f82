import type { NamedAttrMap, TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import { tapGroups, usedTaps, type TapGroup } from './tapRange.js';
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
 * alone). Where padding dominates the patches (the 2 × 2 and 4 × 4 maps of a ResNet's last stages at 64 px), one
 * product per class of outputs multiplies only the taps that meet real pixels (`payingTapClasses`). Either product
 * packs the filter from its stored layout, where the wasm Conv2D kernel first transposes a new filter element by
 * element, which dominates on large filters.
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
  const classes = ownProductAvailable(calls) ? payingTapClasses(info) : undefined;
  if (classes !== undefined) {
    const y = withEpilogue(calls, conv2dByTapClasses(calls, x, filter, info, classes), epilogue);
    return calls.reshape(y, [batchSize, outHeight, outWidth, outChannels]);
  }
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

/** Outputs that meet real pixels through the same taps along both axes: a row run by a column run. */
export interface TapClass {
  readonly rows: TapGroup;
  readonly cols: TapGroup;
}

/**
 * Multiply-adds a packed filter value costs (packing runs at about 0.4 ns a value on 2 threads, the product at
 * about 40 G multiply-adds a second), and a scattered output value.
 */
const PACK_COST = 16;
const SCATTER_COST = 4;
/** The share of real patch values up to which classes are worth their smaller products (a 4 × 4 map: 69%). */
const MOSTLY_REAL = 0.75;

/**
 * The tap classes of a convolution when products per class (`conv2dByTapClasses`) cost less than one product over
 * the patches with every used tap (`usedTaps`), padding included: the multiply-adds of padding saved against
 * packing the filter once per class and scattering the outputs. Undefined otherwise.
 */
export function payingTapClasses(info: backend_util.Conv2DInfo): readonly TapClass[] | undefined {
  const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth, padInfo } = info;
  const rowGroups = tapGroups(filterHeight, inHeight, outHeight, info.strideHeight, padInfo.top);
  const colGroups = tapGroups(filterWidth, inWidth, outWidth, info.strideWidth, padInfo.left);
  if (rowGroups.length * colGroups.length < 2) return undefined;
  const { rows, cols } = patchTaps(info);
  const usedTapCount = rows.count * cols.count;
  const { batchSize, inChannels, outChannels } = info;
  const positions = batchSize * outHeight * outWidth;
  const classes = rowGroups.flatMap((rowGroup) =>
    colGroups.map((colGroup) => ({ rows: rowGroup, cols: colGroup })),
  );
  let usefulTaps = 0;
  let packedTaps = 0;
  for (const { rows: r, cols: c } of classes) {
    const taps = r.taps.count * c.taps.count;
    usefulTaps += batchSize * r.count * c.count * taps;
    packedTaps += taps;
  }
  // Products of a few rows run below the kernel's best, so maps that are mostly real (5 × 5 and up) stay whole.
  if (usefulTaps > MOSTLY_REAL * positions * usedTapCount) return undefined;
  const saved = (positions * usedTapCount - usefulTaps) * inChannels * outChannels;
  const cost =
    PACK_COST * (packedTaps - usedTapCount) * inChannels * outChannels +
    SCATTER_COST * positions * outChannels;
  return saved > cost ? classes : undefined;
}

/**
 * The convolution as one product per tap class, each over the taps that meet real pixels only: no multiply touches
 * padding, so x is read in place, unpadded. Each product's rows go to their outputs' rows of y ([1, positions,
 * channels]); a class no tap reaches stays zero. Padding only ever added zeros, so the sums are those of the
 * product over all taps.
 */
function conv2dByTapClasses(
  calls: WasmKernelCalls,
  x: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
  classes: readonly TapClass[],
): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterWidth } = info;
  const { strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const y = calls.allocate([1, batchSize * outHeight * outWidth, outChannels]);
  const xStart = calls.byteOffset(x);
  const filterStart = calls.byteOffset(filter);
  const outputRow = (n: number, i: number, j: number): number =>
    ((n * outHeight + i) * outWidth + j) * outChannels;
  for (const { rows, cols } of classes) {
    const classRows = batchSize * rows.count * cols.count;
    const depth = rows.taps.count * cols.taps.count * inChannels;
    if (depth === 0) {
      const yValues = calls.view(y);
      for (let n = 0; n < batchSize; n++)
        for (let i = rows.first; i < rows.first + rows.count; i++)
          for (let j = cols.first; j < cols.first + cols.count; j++)
            yValues.fill(0, outputRow(n, i, j), outputRow(n, i, j) + outChannels);
      continue;
    }
    // Row (n, i, j) of A: for each real tap row u, the run of its real taps' pixels (kw and ci contiguous).
    const patchAddresses = new Int32Array(classRows * rows.taps.count);
    let k = 0;
    for (let n = 0; n < batchSize; n++) {
      for (let i = rows.first; i < rows.first + rows.count; i++) {
        for (let j = cols.first; j < cols.first + cols.count; j++) {
          const w = j * strideWidth + cols.taps.first - left;
          for (let u = 0; u < rows.taps.count; u++, k++) {
            const h = i * strideHeight + rows.taps.first + u - top;
            patchAddresses[k] = xStart + 4 * ((n * inHeight + h) * inWidth + w) * inChannels;
          }
        }
      }
    }
    // Row (u, v, ci) of B: the filter's output channels for that tap and input channel, where they lie.
    const filterAddresses = new Int32Array(depth);
    k = 0;
    for (let u = 0; u < rows.taps.count; u++) {
      for (let v = 0; v < cols.taps.count; v++) {
        const tap = (rows.taps.first + u) * filterWidth + cols.taps.first + v;
        for (let ci = 0; ci < inChannels; ci++, k++)
          filterAddresses[k] = filterStart + 4 * (tap * inChannels + ci) * outChannels;
      }
    }
    const part = matrixProduct(
      calls,
      {
        rows: classRows,
        segments: rows.taps.count,
        segmentLength: cols.taps.count * inChannels,
        addresses: patchAddresses,
      },
      { rows: depth, segments: 1, segmentLength: outChannels, addresses: filterAddresses },
      outChannels,
    );
    const partValues = calls.view(part);
    const yValues = calls.view(y);
    let source = 0;
    for (let n = 0; n < batchSize; n++) {
      for (let i = rows.first; i < rows.first + rows.count; i++) {
        for (let j = cols.first; j < cols.first + cols.count; j++, source += outChannels)
          yValues.set(partValues.subarray(source, source + outChannels), outputRow(n, i, j));
      }
    }
    calls.dispose(part);
  }
  return y;
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
