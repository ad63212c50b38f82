import type { TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import { transposeMatrix } from './heapLayout.js';
import { usedTaps } from './tapRange.js';
import { denseRows, matrixProduct } from './matrixProduct.js';
import { usedTapWeights } from './usedTapWeights.js';
import { nhwc, type WasmKernelCalls } from './wasmKernelCalls.js';

/**
 * dx as one matrix product and a scatter ("col2im"):
 *   colsᵀ[(kh, kw, ci), (n, i, j)] = W[(kh, kw, ci), co] · dyᵀ[co, (n, i, j)],
 *   dx[n, i·sh + kh − top, j·sw + kw − left, ci] += colsᵀ[(kh, kw, ci), (n, i, j)].
 * It multiplies only real dy values (no padding, no inserted zeros) and the product packs only dyᵀ, not the filter,
 * so it wins when dy is small next to dx, e.g. a convolution of a zero-padded input down to 1×1 or 2×2. Filter taps
 * that only ever meet padding are left out of the product.
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
  const dx = calls.allocate([batchSize, inHeight, inWidth, inChannels]);
  // Only taps that meet real pixels contribute (a 3×3 'same' conv of a 1×1 map uses its centre tap alone).
  const rows = usedTaps(filterHeight, inHeight, outHeight, strideHeight, top);
  const cols = usedTaps(filterWidth, inWidth, outWidth, strideWidth, left);
  if (rows.last < rows.first || cols.last < cols.first) {
    calls.view(dx).fill(0);
    return dx;
  }
  const tapRows = rows.last - rows.first + 1;
  const tapCols = cols.last - cols.first + 1;
  const positions = batchSize * outHeight * outWidth;

  const dyT = calls.allocate([1, outChannels, positions]);
  const weights = usedTapWeights(
    calls,
    filter,
    { first: rows.first, count: tapRows },
    { first: cols.first, count: tapCols },
  );
  transposeMatrix(
    calls,
    { tensor: dy, offset: 0, rowStride: outChannels },
    { tensor: dyT, offset: 0, rowStride: positions },
    positions,
    outChannels,
  );
  const depth = tapRows * tapCols * inChannels;
  const colsT = matrixProduct(
    calls,
    denseRows(calls, weights, depth, outChannels),
    denseRows(calls, dyT, outChannels, positions),
    positions,
  );

  const columns = calls.view(colsT);
  const out = calls.view(dx);
  out.fill(0);
  for (let u = 0; u < tapRows; u++) {
    const kh = u + rows.first;
    for (let v = 0; v < tapCols; v++) {
      const kw = v + cols.first;
      const tapRow = (u * tapCols + v) * inChannels * positions;
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
              out[target + c] = (out[target + c] ?? 0) + (columns[source] ?? 0);
          }
        }
      }
    }
  }
  return dx;
}
