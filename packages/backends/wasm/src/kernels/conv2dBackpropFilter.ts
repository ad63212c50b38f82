import {
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { forwardConvInfo } from './convGeometry.js';
import { transposeMatrix } from './heapLayout.js';
import { matrixProduct, type MatrixRows } from './matrixProduct.js';
import { usedTaps } from './tapRange.js';
import { WasmKernelCalls, nhwc } from './wasmKernelCalls.js';

/**
 * dW[kh, kw, ci, co] = Σ_{n, i, j} xpad[n, i·sh + kh, j·sw + kw, ci] · dy[n, i, j, co].
 *
 * With X[ci, r, c, n] (x by channel, batch innermost) and D[i, j, n, co] (dy), this is one product of patch rows
 * of X with D over the shared dimension (i, j, n) (`matrixProduct`), whose rows are read in place from X or, for
 * strided convolutions, from its stride phases (`patchRows`). This runs faster here than XNNPACK's convolution of X
 * with dy dilated by the stride, whose filter (dy) is new at every call.
 * Only the filter taps that meet real pixels are computed (the rest of dW is zero). The layout changes run on the
 * wasm heap (SIMD transposes, JavaScript copies), far faster here than the wasm Transpose kernel.
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
    {
      calls.view(xByChannel).fill(0);
      const channelStride = xRows * xCols * batchSize;
      for (let r = 0; r < xRows; r++) {
        const h = r + rows.first - top;
        if (h < 0 || h >= inHeight) continue;
        for (let s = 0; s < xCols; s++) {
          const w = s + cols.first - left;
          if (w < 0 || w >= inWidth) continue;
          // The [n, c] block of pixel (h, w) → X[c, r, s, n].
          transposeMatrix(
            calls,
            { tensor: x, offset: (h * inWidth + w) * inChannels, rowStride: inHeight * inWidth * inChannels },
            { tensor: xByChannel, offset: (r * xCols + s) * batchSize, rowStride: channelStride },
            batchSize,
            inChannels,
          );
        }
      }
    }
    // D[i, j, n, co] = dy[n, i, j, co], read in place: row (i, j, n) of D is the run dy[n, i, j, :].
    const dyStart = calls.byteOffset(dy);
    const dyRows = new Int32Array(outHeight * outWidth * batchSize);
    for (let p = 0, k = 0; p < outHeight * outWidth; p++) {
      for (let n = 0; n < batchSize; n++, k++)
        dyRows[k] = dyStart + 4 * (n * outHeight * outWidth + p) * outChannels;
    }
    // The product's rows are dW's rows (kh, kw, ci) for the taps used: with all taps it writes dW itself.
    const allTaps = tapRows === filterHeight && tapCols === filterWidth;
    const gradient = matrixProduct(
      calls,
      patchRows(calls, xByChannel, tapRows, tapCols, [strideHeight, strideWidth], outHeight, outWidth),
      { rows: dyRows.length, segments: 1, segmentLength: outChannels, addresses: dyRows },
      outChannels,
      allTaps ? dW : undefined,
    );
    if (!allTaps) {
      // gradient[kh', kw', ci, co] → dW[kh' + rows.first, kw' + cols.first, ci, co]; other taps are zero.
      const g = calls.view(gradient);
      const result = calls.view(dW);
      result.fill(0);
      const block = inChannels * outChannels;
      for (let u = 0; u < tapRows; u++) {
        for (let v = 0; v < tapCols; v++) {
          const from = (u * tapCols + v) * block;
          result.set(
            g.subarray(from, from + block),
            ((u + rows.first) * filterWidth + v + cols.first) * block,
          );
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

/**
 * Patch rows for G[kh', kw', c, co] = Σ_{i, j, n} X[c, kh' + s·i, kw' + s·j, n] · D[i, j, n, co]: row k (in the order
 * kh', kw', c) is, for each dy row i, a run of `outWidth·n` values. With stride 1 they are runs of X itself. A stride
 * s splits X into s×s phases X_p[c, r, q, n] = X[c, s·r + ph, s·q + pw, n], in which tap kh' = s·a + ph reads rows
 * a + i: runs again, so the product multiplies no zeros (as the convolution of dy dilated by the stride, or of a
 * phase-padded filter, would).
 */
function patchRows(
  calls: WasmKernelCalls,
  xByChannel: TensorInfo,
  tapRows: number,
  tapCols: number,
  [strideHeight, strideWidth]: [number, number],
  outHeight: number,
  outWidth: number,
): MatrixRows {
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
  const rows = channels * tapRows * tapCols;
  const addresses = new Int32Array(rows * outHeight);
  let k = 0;
  for (let u = 0; u < tapRows; u++) {
    for (let v = 0; v < tapCols; v++) {
      for (let c = 0; c < channels; c++, k++) {
        const index = (u % strideHeight) * strideWidth + (v % strideWidth);
        const source = sources[index];
        if (source === undefined) throw new Error('patchRows: a patch row has no source');
        const [phaseRows, phaseCols] = phaseShapes[index] ?? [0, 0];
        const first =
          calls.byteOffset(source) +
          4 *
            ((c * phaseRows + Math.floor(u / strideHeight)) * phaseCols + Math.floor(v / strideWidth)) *
            batch;
        for (let i = 0; i < outHeight; i++) addresses[k * outHeight + i] = first + 4 * i * phaseCols * batch;
      }
    }
  }
  return { rows, segments: outHeight, segmentLength: outWidth * batch, addresses };
}

export const wasmConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
