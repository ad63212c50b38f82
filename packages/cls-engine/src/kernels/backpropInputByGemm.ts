import type { TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import { transposeBlock } from './heapLayout.js';
import { nhwc, type WasmKernelCalls } from './wasmKernelCalls.js';

/**
 * dx as one matrix product and a scatter ("col2im"):
 *   colsᵀ[(kh, kw, ci), (n, i, j)] = W[(kh, kw, ci), co] · dyᵀ[co, (n, i, j)],
 *   dx[n, i·sh + kh − top, j·sw + kw − left, ci] += colsᵀ[(kh, kw, ci), (n, i, j)].
 * It multiplies only real dy values (no padding, no inserted zeros) and XNNPACK packs only dyᵀ, not the filter,
 * so it wins when dy is small next to dx, e.g. a 'valid' convolution of a zero-padded input down to 1×1 or 2×2.
 */
export function backpropInputByGemm(
  calls: WasmKernelCalls,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize, filterHeight, filterWidth, strideHeight, strideWidth, inHeight, inWidth, inChannels } =
    info;
  const { top, left } = info.padInfo;
  const [, outHeight, outWidth, outChannels] = nhwc(dy);
  const positions = batchSize * outHeight * outWidth;
  const taps = filterHeight * filterWidth * inChannels;

  const dyT = calls.allocate([1, outChannels, positions]);
  transposeBlock(calls.view(dy), 0, positions, outChannels, calls.view(dyT), 0);
  const weights = calls.reshape(filter, [1, taps, outChannels]);
  const colsT = calls.run('BatchMatMul', { a: weights, b: dyT }, { transposeA: false, transposeB: false });
  const dx = calls.allocate([batchSize, inHeight, inWidth, inChannels]);

  const cols = calls.view(colsT);
  const out = calls.view(dx);
  out.fill(0);
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const tapRow = (kh * filterWidth + kw) * inChannels * positions;
      for (let n = 0; n < batchSize; n++) {
        for (let i = 0; i < outHeight; i++) {
          const h = i * strideHeight + kh - top;
          if (h < 0 || h >= inHeight) continue;
          for (let j = 0; j < outWidth; j++) {
            const w = j * strideWidth + kw - left;
            if (w < 0 || w >= inWidth) continue;
            const target = ((n * inHeight + h) * inWidth + w) * inChannels;
            let source = tapRow + (n * outHeight + i) * outWidth + j;
            for (let c = 0; c < inChannels; c++, source += positions)
              out[target + c] = (out[target + c] ?? 0) + (cols[source] ?? 0);
          }
        }
      }
    }
  }
  return dx;
}
