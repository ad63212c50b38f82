import {
  Conv2DBackpropInput,
  type backend_util,
  type Conv2DBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { backpropInputByGemm } from './backpropInputByGemm.js';
import { forwardConvInfo } from './convGeometry.js';
import { wasmTrainingKernelSettings } from './kernelSettings.js';
import { transposeMatrix } from './heapLayout.js';
import { usedTaps } from './tapRange.js';
import { WasmKernelCalls, nhwc } from './wasmKernelCalls.js';

/** The output rows (or columns) of one stride phase and the filter taps that reach them. */
interface PhaseAxis {
  /** First input index q of the phase: pixel h = q·stride + phase − padBefore. */
  readonly qFirst: number;
  readonly length: number;
  /** Filter taps k = phase + stride·t for t in [tFirst, tLast], restricted to those that meet dy. */
  readonly tFirst: number;
  readonly tLast: number;
  /** Padding of dy for the stride-1 convolution that computes the phase (negative crops). */
  readonly padBefore: number;
  readonly padAfter: number;
}

/**
 * Along one axis, the pixels h with (h + padBefore) mod stride = phase receive dy[q − t] through filter taps
 * k = phase + stride·t, where q = (h + padBefore − phase) / stride. Undefined when the phase has no pixels or no
 * tap reaches dy.
 */
function phaseAxis(
  phase: number,
  stride: number,
  filterLength: number,
  inLength: number,
  dyLength: number,
  padBefore: number,
): PhaseAxis | undefined {
  const qFirst = Math.ceil((padBefore - phase) / stride);
  const qLast = Math.floor((inLength - 1 + padBefore - phase) / stride);
  const taps = Math.ceil((filterLength - phase) / stride);
  const tFirst = Math.max(0, qFirst - (dyLength - 1));
  const tLast = Math.min(taps - 1, qLast);
  if (qLast < qFirst || tLast < tFirst) return undefined;
  const length = qLast - qFirst + 1;
  // out[j] = Σ_u dyPadded[j + u] · G[u] with G[u] = W[phase + stride·(tLast − u)] reads dy[qFirst + j − tLast + u].
  const dyPadBefore = tLast - qFirst;
  const dyPadAfter = length + (tLast - tFirst) - dyLength - dyPadBefore;
  return { qFirst, length, tFirst, tLast, padBefore: dyPadBefore, padAfter: dyPadAfter };
}

/**
 * dx of a convolution, in one of two formulations (see `preferGemm`):
 * - gemm: one matrix product W·dyᵀ and a scatter (`backpropInputByGemm`), best when dy is small next to dx;
 * - conv: stride-1 forward convolutions (XNNPACK) of dy, one per stride phase (sub-pixel decomposition), each with
 *   the sub-filter of the taps that reach that phase, spatially flipped and with in/out channels swapped. No
 *   multiply touches an inserted zero, unlike convolving a zero-dilated dy; taps that only meet padding are skipped.
 * Rearranging filters and interleaving phases run on the wasm heap (SIMD transposes, JavaScript copies), far
 * faster here than the wasm Transpose/Reverse kernels.
 */
function conv2dBackpropInput(args: {
  inputs: { dy?: TensorInfo; filter?: TensorInfo };
  backend: KernelBackend;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { dy, filter } = args.inputs;
  if (dy === undefined || filter === undefined)
    throw new Error('Conv2DBackpropInput needs inputs dy and filter');
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs;
  const info = forwardConvInfo(
    'Conv2DBackpropInput',
    inputShape,
    nhwc(filter),
    strides,
    pad,
    dimRoundingMode,
    dataFormat,
  );
  const { batchSize, filterHeight, filterWidth, strideHeight, strideWidth, inHeight, inWidth, inChannels } =
    info;
  const [, dyHeight, dyWidth] = nhwc(dy);
  const calls = new WasmKernelCalls(args.backend);
  try {
    if (preferGemm(info, dyHeight, dyWidth)) {
      const dx = backpropInputByGemm(calls, dy, filter, info);
      calls.disposeIntermediates(dx);
      return dx;
    }
    const phases: {
      rows: PhaseAxis;
      cols: PhaseAxis;
      rowPhase: number;
      colPhase: number;
      out: TensorInfo;
    }[] = [];
    for (let rowPhase = 0; rowPhase < strideHeight; rowPhase++) {
      const rows = phaseAxis(rowPhase, strideHeight, filterHeight, inHeight, dyHeight, info.padInfo.top);
      if (rows === undefined) continue;
      for (let colPhase = 0; colPhase < strideWidth; colPhase++) {
        const cols = phaseAxis(colPhase, strideWidth, filterWidth, inWidth, dyWidth, info.padInfo.left);
        if (cols === undefined) continue;
        const subFilter = flippedSubFilter(
          calls,
          filter,
          rows,
          cols,
          rowPhase,
          colPhase,
          strideHeight,
          strideWidth,
        );
        const out = calls.conv2d(dy, subFilter, {
          top: rows.padBefore,
          bottom: rows.padAfter,
          left: cols.padBefore,
          right: cols.padAfter,
        });
        phases.push({ rows, cols, rowPhase, colPhase, out });
      }
    }
    // Stride 1: the single phase covers every pixel, in order.
    const only = phases.length === 1 ? phases[0] : undefined;
    if (only?.rows.length === inHeight && only.cols.length === inWidth) {
      calls.disposeIntermediates(only.out);
      return only.out;
    }

    // Interleave the phases into dx; pixels no tap reaches stay zero.
    const dx = calls.allocate([batchSize, inHeight, inWidth, inChannels]);
    const dxValues = calls.view(dx);
    dxValues.fill(0);
    for (const { rows, cols, rowPhase, colPhase, out } of phases) {
      const outValues = calls.view(out);
      const h0 = rows.qFirst * strideHeight + rowPhase - info.padInfo.top;
      const w0 = cols.qFirst * strideWidth + colPhase - info.padInfo.left;
      for (let n = 0; n < batchSize; n++) {
        for (let i = 0; i < rows.length; i++) {
          const h = h0 + i * strideHeight;
          let source = (n * rows.length + i) * cols.length * inChannels;
          for (let j = 0; j < cols.length; j++) {
            const target = ((n * inHeight + h) * inWidth + w0 + j * strideWidth) * inChannels;
            dxValues.set(outValues.subarray(source, source + inChannels), target);
            source += inChannels;
          }
        }
      }
    }
    calls.disposeIntermediates(dx);
    return dx;
  } catch (error) {
    calls.disposeIntermediates();
    throw error;
  }
}

/**
 * Which formulation should be faster, unless `configureWasmTrainingKernels` forced one. Costs are in multiply-adds,
 * with constants measured on XNNPACK (wasm SIMD): packing a fresh filter costs ~100 multiply-adds per weight, the
 * JavaScript scatter ~60 per element, and XNNPACK convolutions with few output channels run at a fraction of peak.
 * With the engine's own product they still pick the faster formulation on every ResNet-18 shape but one (within
 * 25%).
 */
function preferGemm(info: backend_util.Conv2DInfo, dyHeight: number, dyWidth: number): boolean {
  const { backpropInput } = wasmTrainingKernelSettings;
  if (backpropInput !== 'auto') return backpropInput === 'gemm';
  const { batchSize, filterHeight, filterWidth, inChannels, outChannels, inHeight, inWidth } = info;
  // Both formulations skip the filter taps that only meet padding.
  const rows = usedTaps(filterHeight, inHeight, dyHeight, info.strideHeight, info.padInfo.top);
  const cols = usedTaps(filterWidth, inWidth, dyWidth, info.strideWidth, info.padInfo.left);
  const taps = Math.max(0, rows.last - rows.first + 1) * Math.max(0, cols.last - cols.first + 1) * inChannels;
  const positions = batchSize * dyHeight * dyWidth;
  const gemm = positions * taps * outChannels + 60 * (taps * positions + outChannels * positions);
  const convMacs =
    (batchSize * inHeight * inWidth * taps * outChannels) / (info.strideHeight * info.strideWidth);
  const conv = convMacs * Math.max(1, 8 / inChannels) + 100 * taps * outChannels;
  return gemm < conv;
}

/** G[u, v, co, ci] = W[rowPhase + sh·(rows.tLast − u), colPhase + sw·(cols.tLast − v), ci, co]. */
function flippedSubFilter(
  calls: WasmKernelCalls,
  filter: TensorInfo,
  rows: PhaseAxis,
  cols: PhaseAxis,
  rowPhase: number,
  colPhase: number,
  strideHeight: number,
  strideWidth: number,
): TensorInfo {
  const [, filterWidth, inChannels, outChannels] = nhwc(filter);
  const tapRows = rows.tLast - rows.tFirst + 1;
  const tapCols = cols.tLast - cols.tFirst + 1;
  const sub = calls.allocate([tapRows, tapCols, outChannels, inChannels]);
  for (let u = 0; u < tapRows; u++) {
    const kh = rowPhase + strideHeight * (rows.tLast - u);
    for (let v = 0; v < tapCols; v++) {
      const kw = colPhase + strideWidth * (cols.tLast - v);
      const source = (kh * filterWidth + kw) * inChannels * outChannels;
      const target = (u * tapCols + v) * outChannels * inChannels;
      transposeMatrix(
        calls,
        { tensor: filter, offset: source, rowStride: outChannels },
        { tensor: sub, offset: target, rowStride: inChannels },
        inChannels,
        outChannels,
      );
    }
  }
  return sub;
}

export const wasmConv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
