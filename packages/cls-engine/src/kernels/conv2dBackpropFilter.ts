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
 * stride, this is one stride-1 forward convolution, which XNNPACK runs far faster than im2col + matmul here:
 *   conv2d(X[ci, r, c, n], D[i, j, n, co], dilation = stride) → [ci, kh, kw, co].
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
    const gradient = calls.conv2d(xByChannel, dyAsFilter, { top: 0, bottom: 0, left: 0, right: 0 }, [
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

export const wasmConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
