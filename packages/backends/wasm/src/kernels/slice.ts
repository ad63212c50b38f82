import {
  Slice,
  slice_util,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type SliceAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { nextIndex } from './multiIndex.js';
import { stockKernel } from './stockKernels.js';
import { WasmKernelCalls } from './wasmKernelCalls.js';

interface SliceArgs {
  inputs: { x?: TensorInfo };
  backend: KernelBackend;
  attrs: SliceAttrs;
}

/**
 * out = x[begin : begin + size], copied on the heap as runs: the innermost axes taken whole merge with the first
 * axis that is not into one contiguous run per index of the axes outside it. The stock wasm Slice copies the whole
 * tensor out of the heap and back whenever the slice is not one contiguous block, as in the gradient of zero
 * padding, which cost more than the convolutions around it.
 */
function slice(args: SliceArgs): TensorInfo {
  const { x } = args.inputs;
  if (x === undefined) throw new Error('Slice needs input x');
  if (x.shape.length === 0 || !['float32', 'int32', 'bool'].includes(x.dtype)) {
    return stockKernel(Slice)(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  }
  const [begin = [], size = []] = slice_util.parseSliceParams(x, args.attrs.begin, args.attrs.size);
  const calls = new WasmKernelCalls(args.backend);
  const out = calls.allocate(size, x.dtype);
  const count = size.reduce((a, b) => a * b, 1);
  if (count > 0) {
    const shape = x.shape;
    const rank = shape.length;
    const strides = new Array<number>(rank).fill(1);
    for (let d = rank - 2; d >= 0; d--) strides[d] = (strides[d + 1] ?? 1) * (shape[d + 1] ?? 1);
    // The run axis: every axis inside it is taken whole.
    let runAxis = rank - 1;
    while (runAxis > 0 && begin[runAxis] === 0 && size[runAxis] === shape[runAxis]) runAxis -= 1;
    const run = (size[runAxis] ?? 1) * (strides[runAxis] ?? 1);
    const source = calls.heapView(x);
    const target = calls.heapView(out);
    const index = new Array<number>(runAxis).fill(0);
    const start = begin.reduce((sum, b, d) => sum + b * (strides[d] ?? 0), 0);
    for (let to = 0, from = start; to < count; to += run) {
      target.set(source.subarray(from, from + run), to);
      from += nextIndex(index, runAxis, size, strides) ?? 0;
    }
  }
  calls.disposeIntermediates(out);
  return out;
}

export const wasmSliceConfig: KernelConfig = {
  kernelName: Slice,
  backendName: 'wasm',
  kernelFunc: slice as unknown as KernelFunc,
};
