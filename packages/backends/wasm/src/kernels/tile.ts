import {
  Tile,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type TileAttrs,
} from '@tensorflow/tfjs-core';
import { nextIndex } from './multiIndex.js';
import { WasmKernelCalls, type HeapArray } from './wasmKernelCalls.js';

/** Copies `target[base, base + filled)` forward until it fills `target[base, base + total)`. */
function repeatForward(target: HeapArray, base: number, filled: number, total: number): void {
  if (filled < 16) {
    // Tiny segments: a plain loop beats many tiny copyWithin calls.
    for (let k = base + filled; k < base + total; k++) target[k] = target[k - filled] ?? 0;
    return;
  }
  let done = filled;
  while (done < total) {
    const length = Math.min(done, total - done);
    target.copyWithin(base + done, base, base + length);
    done += length;
  }
}

/**
 * out = tile(x, reps), built in place: each input row goes to its spot in the first tile, then, from the innermost
 * axis out, every finished block is repeated with memmove-speed copies (doubling). The stock wasm Tile computes a
 * multi-index per element, which makes the batch-norm gradient's Tile of a [1, 1, 1, C] vector to [N, H, W, C] as
 * slow as a convolution here.
 */
export function tileInto(
  source: HeapArray,
  shape: readonly number[],
  reps: readonly number[],
  target: HeapArray,
): void {
  const rank = shape.length;
  if (rank === 0) {
    target[0] = source[0] ?? 0;
    return;
  }
  const outShape = shape.map((d, i) => d * (reps[i] ?? 1));
  if (outShape.some((d) => d === 0)) return;
  // outStride[d]: elements per unit step of axis d in the output.
  const outStride = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) outStride[d] = (outStride[d + 1] ?? 1) * (outShape[d + 1] ?? 1);

  const rowLength = shape[rank - 1] ?? 1;
  const index = new Array<number>(rank).fill(0);
  // Place the input rows: input row (i0, …, i_{r−2}) → output offset Σ i_d · outStride[d].
  const rows = source.length / rowLength;
  for (let row = 0, offset = 0; row < rows; row++) {
    target.set(source.subarray(row * rowLength, (row + 1) * rowLength), offset);
    offset += nextIndex(index, rank - 1, shape, outStride) ?? 0;
  }
  // Repeat along each axis, innermost first; the blocks of the outer axes' input positions are independent.
  for (let d = rank - 1; d >= 0; d--) {
    const rep = reps[d] ?? 1;
    if (rep === 1) continue;
    const segment = (shape[d] ?? 1) * (outStride[d] ?? 1);
    const total = segment * rep;
    index.fill(0);
    for (let offset: number | undefined = 0; offset !== undefined;) {
      repeatForward(target, offset, segment, total);
      const move = nextIndex(index, d, shape, outStride);
      offset = move === undefined ? undefined : offset + move;
    }
  }
}

function tile(args: { inputs: { x?: TensorInfo }; backend: KernelBackend; attrs: TileAttrs }): TensorInfo {
  const { x } = args.inputs;
  if (x === undefined) throw new Error('Tile needs input x');
  const { reps } = args.attrs;
  const calls = new WasmKernelCalls(args.backend);
  const out = calls.allocate(
    x.shape.map((d, i) => d * (reps[i] ?? 1)),
    x.dtype,
  );
  tileInto(calls.heapView(x), x.shape, reps, calls.heapView(out));
  calls.disposeIntermediates(out);
  return out;
}

export const wasmTileConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'wasm',
  kernelFunc: tile as unknown as KernelFunc,
};
