import type { TensorInfo } from '@tensorflow/tfjs-core';
import { nhwc, type WasmKernelCalls } from './wasmKernelCalls.js';

/** A range of filter taps along one axis: `first` and `count` taps from it. */
export interface TapSpan {
  readonly first: number;
  readonly count: number;
}

/**
 * The filter W[kh, kw, ci, co] restricted to the taps in `rows` × `cols`, as a [1, taps·ci, co] matrix: the filter
 * itself (reshaped) when every tap is used, otherwise a copy in which each used filter row is one contiguous run.
 */
export function usedTapWeights(
  calls: WasmKernelCalls,
  filter: TensorInfo,
  rows: TapSpan,
  cols: TapSpan,
): TensorInfo {
  const [filterHeight, filterWidth, inChannels, outChannels] = nhwc(filter);
  const depth = rows.count * cols.count * inChannels;
  if (rows.count === filterHeight && cols.count === filterWidth) {
    return calls.reshape(filter, [1, depth, outChannels]);
  }
  const weights = calls.allocate([1, depth, outChannels]);
  const source = calls.view(filter);
  const target = calls.view(weights);
  const run = cols.count * inChannels * outChannels;
  for (let u = 0; u < rows.count; u++) {
    const from = ((u + rows.first) * filterWidth + cols.first) * inChannels * outChannels;
    target.set(source.subarray(from, from + run), u * run);
  }
  return weights;
}
