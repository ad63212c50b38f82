import {
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { forwardConvInfo } from './convGeometry.js';
import { usedTaps } from './tapRange.js';
import { WasmKernelCalls, nhwc } from './wasmKernelCalls.js';

/**
 * dW[kh, kw, ci, co] = Σ_{n, i, j} xpad[n, i·sh + kh, j·sw + kw, ci] · dy[n, i, j, co].
 *
 * With X[ci, r, c, n] (x by channel, batch innermost) and D[i, j, n, co] (dy), this is one product of patch rows
 * of X with D over the shared dimension (i, j, n), computed in chunks of D's rows (`chunkedProduct`); strided
 * convolutions read their patch rows from the stride phases of X (`patchRowSources`). This runs faster here than
 * XNNPACK's convolution of X with dy dilated by the stride, whose filter (dy) is new at every call.
 * Only the filter taps that meet real pixels are computed (the rest of dW is zero). The layout changes run in
 * JavaScript on the wasm heap, which is far faster here than the wasm Transpose kernel.
 */
function conv2dBackpropFilter(args: {
  inputs: { x?: TensorInfo; dy?: TensorInfo };
  backend: KernelBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { x, dy } = args.inputs;
  if (x === undefined || dy === undefined) throw new Error('Conv2DBackpropFilter needs inputs x and dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs;
  const info = forwardConvInfo(
    'Conv2DBackpropFilter',
    nhwc(x),
    filterShape,
    strides,
    pad,
    dimRoundingMode,
    dataFormat,
  );
  const {
    batchSize,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    outHeight,
    outWidth,
    inHeight,
    inWidth,
  } = info;
  const { inChannels, outChannels } = info;
  const { top, left } = info.padInfo;
  const rows = usedTaps(filterHeight, inHeight, outHeight, strideHeight, top);
  const cols = usedTaps(filterWidth, inWidth, outWidth, strideWidth, left);
  const calls = new WasmKernelCalls(args.backend);
  try {
    const dW = calls.allocate([filterHeight, filterWidth, inChannels, outChannels]);
    if (rows.last < rows.first || cols.last < cols.first) {
      calls.view(dW).fill(0);
      calls.disposeIntermediates(dW);
      return dW;
    }
    const tapRows = rows.last - rows.first + 1;
    const tapCols = cols.last - cols.first + 1;
    // X[c, r, s, n] = x[n, r + rows.first − top, s + cols.first − left, c], zero outside x.
    const xRows = tapRows + strideHeight * (outHeight - 1);
    const xCols = tapCols + strideWidth * (outWidth - 1);
    const xByChannel = calls.allocate([inChannels, xRows, xCols, batchSize]);
    const dyAsFilter = calls.allocate([outHeight, outWidth, batchSize, outChannels]);
    {
      const source = calls.view(x);
      const target = calls.view(xByChannel);
      target.fill(0);
      const channelStride = xRows * xCols * batchSize;
      for (let r = 0; r < xRows; r++) {
        const h = r + rows.first - top;
        if (h < 0 || h >= inHeight) continue;
        for (let s = 0; s < xCols; s++) {
          const w = s + cols.first - left;
          if (w < 0 || w >= inWidth) continue;
          for (let n = 0; n < batchSize; n++) {
            const from = ((n * inHeight + h) * inWidth + w) * inChannels;
            let to = (r * xCols + s) * batchSize + n;
            for (let c = 0; c < inChannels; c++, to += channelStride) target[to] = source[from + c] ?? 0;
          }
        }
      }
      // D[i, j, n, co] = dy[n, i, j, co]: whole rows of co values move.
      const dyValues = calls.view(dy);
      const dValues = calls.view(dyAsFilter);
      for (let n = 0; n < batchSize; n++) {
        for (let p = 0; p < outHeight * outWidth; p++) {
          const from = (n * outHeight * outWidth + p) * outChannels;
          dValues.set(dyValues.subarray(from, from + outChannels), (p * batchSize + n) * outChannels);
        }
      }
    }
    const gradient = chunkedProduct(
      calls,
      patchRowSources(calls, xByChannel, tapRows, tapCols, [strideHeight, strideWidth], outHeight, outWidth),
      dyAsFilter,
    );
    // gradient[ci, kh', kw', co] → dW[kh' + rows.first, kw' + cols.first, ci, co]; other taps are zero.
    const g = calls.view(gradient);
    const result = calls.view(dW);
    if (tapRows !== filterHeight || tapCols !== filterWidth) result.fill(0);
    for (let c = 0; c < inChannels; c++) {
      for (let u = 0; u < tapRows; u++) {
        for (let v = 0; v < tapCols; v++) {
          const from = ((c * tapRows + u) * tapCols + v) * outChannels;
          const to = (((u + rows.first) * filterWidth + v + cols.first) * inChannels + c) * outChannels;
          result.set(g.subarray(from, from + outChannels), to);
        }
      }
    }
    calls.disposeIntermediates(dW);
    return dW;
  } catch (error) {
    calls.disposeIntermediates();
    throw error;
  }
}

/** Rows of the product's shared dimension per chunk: 1024 keeps XNNPACK's packed panel of dy in the L1 cache. */
const CHUNK_DEPTH = 1024;

/**
 * Where the patch rows of `chunkedProduct` come from: row k (in the order c, kh', kw') is, for each dy row i, the
 * run of `outWidth·n` values at `offsets[k] + i·rowStrides[k]` of `sources[sourceOf[k]]`.
 */
interface PatchRowSources {
  readonly sources: readonly (TensorInfo | undefined)[];
  readonly sourceOf: Int32Array;
  readonly offsets: Int32Array;
  readonly rowStrides: Int32Array;
  /** [ci, tapRows, tapCols]: the rows' order, and the product's shape without co. */
  readonly shape: readonly [number, number, number];
}

/**
 * Patch rows for G[c, kh', kw', co] = Σ_{i, j, n} X[c, kh' + s·i, kw' + s·j, n] · D[i, j, n, co]. With stride 1
 * they are runs of X itself. A stride s splits X into s×s phases X_p[c, r, q, n] = X[c, s·r + ph, s·q + pw, n], in
 * which tap kh' = s·a + ph reads rows a + i: runs again, so every tap's row reads contiguous memory and the
 * product multiplies no zeros (as the convolution of dy dilated by the stride, or of a phase-padded filter, would).
 */
function patchRowSources(
  calls: WasmKernelCalls,
  xByChannel: TensorInfo,
  tapRows: number,
  tapCols: number,
  [strideHeight, strideWidth]: [number, number],
  outHeight: number,
  outWidth: number,
): PatchRowSources {
  const [channels, xRows, xCols, batch] = nhwc(xByChannel);
  const phaseShapes: [number, number][] = [];
  // A phase no tap reads (those of a 1×1 strided convolution beyond the first) stays undefined.
  const sources: (TensorInfo | undefined)[] = [];
  if (strideHeight === 1 && strideWidth === 1) {
    sources.push(xByChannel);
    phaseShapes.push([xRows, xCols]);
  } else {
    for (let ph = 0; ph < strideHeight; ph++) {
      for (let pw = 0; pw < strideWidth; pw++) {
        const phaseTapRows = Math.ceil((tapRows - ph) / strideHeight);
        const phaseTapCols = Math.ceil((tapCols - pw) / strideWidth);
        const used = phaseTapRows > 0 && phaseTapCols > 0;
        const shape: [number, number] = used
          ? [phaseTapRows + outHeight - 1, phaseTapCols + outWidth - 1]
          : [0, 0];
        sources.push(used ? calls.allocate([channels, ...shape, batch]) : undefined);
        phaseShapes.push(shape);
      }
    }
    const x = calls.view(xByChannel);
    sources.forEach((phase, index) => {
      if (phase === undefined) return;
      const ph = Math.floor(index / strideWidth);
      const pw = index % strideWidth;
      const [rows, cols] = phaseShapes[index] ?? [0, 0];
      const target = calls.view(phase);
      let to = 0;
      for (let c = 0; c < channels; c++) {
        for (let r = 0; r < rows; r++) {
          for (let q = 0; q < cols; q++, to += batch) {
            const from = ((c * xRows + strideHeight * r + ph) * xCols + strideWidth * q + pw) * batch;
            target.set(x.subarray(from, from + batch), to);
          }
        }
      }
    });
  }
  const count = channels * tapRows * tapCols;
  const sourceOf = new Int32Array(count);
  const offsets = new Int32Array(count);
  const rowStrides = new Int32Array(count);
  let k = 0;
  for (let c = 0; c < channels; c++) {
    for (let u = 0; u < tapRows; u++) {
      for (let v = 0; v < tapCols; v++, k++) {
        const index = (u % strideHeight) * strideWidth + (v % strideWidth);
        const [rows, cols] = phaseShapes[index] ?? [0, 0];
        const a = Math.floor(u / strideHeight);
        const b = Math.floor(v / strideWidth);
        sourceOf[k] = index;
        offsets[k] = ((c * rows + a) * cols + b) * batch;
        rowStrides[k] = cols * batch;
      }
    }
  }
  return { sources, sourceOf, offsets, rowStrides, shape: [channels, tapRows, tapCols] };
}

/**
 * G = patches · D over the shared dimension (i, j, n), as a sum of matrix products, one per chunk of D's rows i.
 * That dimension (every output pixel of the forward pass) is far longer than a forward convolution's, and XNNPACK
 * neither splits it nor handles such long rows well as a convolution; in chunks each product runs at
 * forward-convolution speed. Returns [ci, tapRows, tapCols, co].
 */
function chunkedProduct(
  calls: WasmKernelCalls,
  rowSources: PatchRowSources,
  dyAsFilter: TensorInfo,
): TensorInfo {
  const { sources, sourceOf, offsets, rowStrides, shape } = rowSources;
  const [outHeight, outWidth, batch, outChannels] = nhwc(dyAsFilter);
  const rowDepth = outWidth * batch;
  const chunkRows = Math.max(1, Math.min(outHeight, Math.floor(CHUNK_DEPTH / rowDepth)));
  const patchRows = offsets.length;
  const sum = calls.allocate([...shape, outChannels]);
  for (let i0 = 0; i0 < outHeight; i0 += chunkRows) {
    const rows = Math.min(chunkRows, outHeight - i0);
    const depth = rows * rowDepth;
    const patches = calls.allocate([1, patchRows, depth]);
    const dyRows = calls.allocate([1, depth, outChannels]);
    {
      const views = sources.map((source) => (source === undefined ? undefined : calls.view(source)));
      const target = calls.view(patches);
      let to = 0;
      for (let k = 0; k < patchRows; k++) {
        const source = views[sourceOf[k] ?? 0];
        const stride = rowStrides[k] ?? 0;
        if (source === undefined) throw new Error('chunkedProduct: a patch row has no source');
        for (let i = i0, from = (offsets[k] ?? 0) + i0 * stride; i < i0 + rows; i++, from += stride) {
          target.set(source.subarray(from, from + rowDepth), to);
          to += rowDepth;
        }
      }
      const d = calls.view(dyAsFilter);
      const start = i0 * rowDepth * outChannels;
      calls.view(dyRows).set(d.subarray(start, start + depth * outChannels));
    }
    const partial = calls.run(
      'BatchMatMul',
      { a: patches, b: dyRows },
      { transposeA: false, transposeB: false },
    );
    const values = calls.view(partial);
    const total = calls.view(sum);
    if (i0 === 0) total.set(values);
    else for (let k = 0; k < total.length; k++) total[k] = (total[k] ?? 0) + (values[k] ?? 0);
    calls.dispose(patches, dyRows, partial);
  }
  return sum;
}

export const wasmConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
