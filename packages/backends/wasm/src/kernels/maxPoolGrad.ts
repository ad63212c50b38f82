import {
  backend_util,
  MaxPoolGrad,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { windowGradientFunction } from './maxPoolGradSimdModule.js';
import { simdExports } from './simdInstance.js';
import { WasmKernelCalls, nhwc } from './wasmKernelCalls.js';

const windowModule = [windowGradientFunction];

/**
 * dx of a max pool: each dy value goes to the first (row-major) maximum of its window, like the cpu backend. The
 * windows are scanned for all channels at once along the contiguous NHWC channel axis, with SIMD 4 channels at a
 * time (`maxPoolGradSimdModule`) when the channel count allows, which runs many times faster here than the stock
 * wasm kernel's per-element loops.
 */
function maxPoolGrad(args: {
  inputs: { dy?: TensorInfo; input?: TensorInfo };
  backend: KernelBackend;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { dy, input } = args.inputs;
  if (dy === undefined || input === undefined) throw new Error('MaxPoolGrad needs inputs dy and input');
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs;
  const info = backend_util.computePool2DInfo(nhwc(input), filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const calls = new WasmKernelCalls(args.backend);
  const dx = calls.allocate([batchSize, inHeight, inWidth, channels]);
  calls.view(dx).fill(0);
  const scan = windowScan(calls, input, dy, dx, inWidth, channels);
  for (let b = 0; b < batchSize; b++) {
    for (let i = 0; i < outHeight; i++) {
      const rowStart = Math.max(0, i * strideHeight - top);
      const rowEnd = Math.min(inHeight, i * strideHeight - top + filterHeight);
      for (let j = 0; j < outWidth; j++) {
        const colStart = Math.max(0, j * strideWidth - left);
        const colEnd = Math.min(inWidth, j * strideWidth - left + filterWidth);
        if (rowEnd <= rowStart || colEnd <= colStart) continue;
        const window = ((b * inHeight + rowStart) * inWidth + colStart) * channels;
        const dyOffset = ((b * outHeight + i) * outWidth + j) * channels;
        scan(window, rowEnd - rowStart, colEnd - colStart, dyOffset);
      }
    }
  }
  calls.disposeIntermediates(dx);
  return dx;
}

/**
 * Adds one window's dy values (from `dyOffset`) to dx at each channel's first maximum in the window of `rows`×`cols`
 * pixels starting at `window`; offsets count float32 values into the NHWC tensors.
 */
type WindowScan = (window: number, rows: number, cols: number, dyOffset: number) => void;

function windowScan(
  calls: WasmKernelCalls,
  input: TensorInfo,
  dy: TensorInfo,
  dx: TensorInfo,
  inWidth: number,
  channels: number,
): WindowScan {
  const windowGradient =
    channels % 4 === 0 ? simdExports(calls.backend, windowModule)?.windowGradient : undefined;
  if (windowGradient !== undefined) {
    const [xAddress, dyAddress, dxAddress] = [input, dy, dx].map((t) => calls.byteOffset(t)) as [
      number,
      number,
      number,
    ];
    const pixelBytes = channels * 4;
    return (window, rows, cols, dyOffset) => {
      windowGradient(
        xAddress + window * 4,
        rows,
        cols,
        inWidth * pixelBytes,
        pixelBytes,
        pixelBytes,
        dyAddress + dyOffset * 4,
        dxAddress + window * 4,
      );
    };
  }
  const x = calls.view(input);
  const gradient = calls.view(dy);
  const out = calls.view(dx);
  const best = new Float32Array(channels);
  // Flat index into x of each channel's maximum so far; −1 while none (all −∞ or NaN: no gradient, like cpu).
  const where = new Int32Array(channels);
  return (window, rows, cols, dyOffset) => {
    best.fill(-Infinity);
    where.fill(-1);
    for (let r = 0; r < rows; r++) {
      for (let s = 0; s < cols; s++) {
        const pixel = window + (r * inWidth + s) * channels;
        for (let c = 0; c < channels; c++) {
          const value = x[pixel + c] ?? NaN;
          if (value > (best[c] ?? Infinity)) {
            best[c] = value;
            where[c] = pixel + c;
          }
        }
      }
    }
    for (let c = 0; c < channels; c++) {
      const target = where[c] ?? -1;
      if (target >= 0) out[target] = (out[target] ?? 0) + (gradient[dyOffset + c] ?? 0);
    }
  };
}

export const wasmMaxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
