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
 * Read with ci as the batch, n as the input channel and dy as a filter of size oh×ow dilated by the forward
 * stride, this is one stride-1 forward convolution:
 *   conv2d(X[ci, r, c, n], D[i, j, n, co], dilation = stride) → [ci, kh, kw, co],
 * computed for stride 1 and large dy as matrix products over chunks of D (`chunkedProduct`), otherwise by the
 * Conv2D kernel.
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
    // Chunks pay off once the shared dimension spans several of them; below that the convolution is as fast.
    const longProduct = outHeight * outWidth * batchSize > 2 * CHUNK_DEPTH;
    const gradient =
      strideHeight === 1 && strideWidth === 1 && longProduct
        ? chunkedProduct(calls, xByChannel, dyAsFilter, tapRows, tapCols)
        : calls.conv2d(xByChannel, dyAsFilter, { top: 0, bottom: 0, left: 0, right: 0 }, [
            strideHeight,
            strideWidth,
          ]);
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
 * The stride-1 convolution X ⊛ D → [ci, tapRows, tapCols, co] as a sum of matrix products, one per chunk of D's rows:
 *   G[(c, u, v), co] = Σ_{i, j, n} X[c, u + i, v + j, n] · D[i, j, n, co].
 * Its shared dimension (every output pixel of the forward pass) is far longer than a forward convolution's, and
 * XNNPACK neither splits it nor handles such long rows well as a convolution; in chunks each product runs at
 * forward-convolution speed. A chunk's patch rows are runs of X[c, u + i, v .. v + ow, :].
 */
function chunkedProduct(
  calls: WasmKernelCalls,
  xByChannel: TensorInfo,
  dyAsFilter: TensorInfo,
  tapRows: number,
  tapCols: number,
): TensorInfo {
  const [channels, xRows, xCols, batch] = nhwc(xByChannel);
  const [outHeight, outWidth, , outChannels] = nhwc(dyAsFilter);
  const rowDepth = outWidth * batch;
  const chunkRows = Math.max(1, Math.min(outHeight, Math.floor(CHUNK_DEPTH / rowDepth)));
  const patchRows = channels * tapRows * tapCols;
  const sum = calls.allocate([channels, tapRows, tapCols, outChannels]);
  for (let i0 = 0; i0 < outHeight; i0 += chunkRows) {
    const rows = Math.min(chunkRows, outHeight - i0);
    const depth = rows * rowDepth;
    const patches = calls.allocate([1, patchRows, depth]);
    const dyRows = calls.allocate([1, depth, outChannels]);
    {
      const x = calls.view(xByChannel);
      const target = calls.view(patches);
      let to = 0;
      for (let c = 0; c < channels; c++) {
        for (let u = 0; u < tapRows; u++) {
          for (let v = 0; v < tapCols; v++) {
            for (let i = i0; i < i0 + rows; i++, to += rowDepth) {
              const from = ((c * xRows + u + i) * xCols + v) * batch;
              target.set(x.subarray(from, from + rowDepth), to);
            }
          }
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
