import type { TensorInfo } from '@tensorflow/tfjs-core';
import { simdExports } from './simdInstance.js';
import { transposeFunctions } from './transposeSimdModule.js';
import type { WasmKernelCalls } from './wasmKernelCalls.js';

/** A matrix inside a float32 tensor in the wasm heap: its first value and its row stride, in floats. */
export interface HeapMatrix {
  readonly tensor: TensorInfo;
  readonly offset: number;
  readonly rowStride: number;
}

/**
 * target[c][r] = source[r][c] for a rows × cols block: 4×4 SIMD blocks (`transposeSimdModule`), the ragged edges
 * (and everything, where the backend's memory is not exposed) in JavaScript.
 */
export function transposeMatrix(
  calls: WasmKernelCalls,
  source: HeapMatrix,
  target: HeapMatrix,
  rows: number,
  cols: number,
): void {
  const simd = simdExports(calls.backend, transposeFunctions);
  const rows4 = simd === undefined ? 0 : rows - (rows % 4);
  const cols4 = simd === undefined ? 0 : cols - (cols % 4);
  if (simd !== undefined && rows4 > 0 && cols4 > 0) {
    simd.transpose?.(
      calls.byteOffset(source.tensor) + 4 * source.offset,
      4 * source.rowStride,
      calls.byteOffset(target.tensor) + 4 * target.offset,
      4 * target.rowStride,
      rows4,
      cols4,
    );
  }
  if (rows4 === rows && cols4 === cols) return;
  const from = calls.view(source.tensor);
  const to = calls.view(target.tensor);
  for (let r = 0; r < rows; r++) {
    // Rows inside the SIMD part only lack their last columns.
    const firstColumn = r < rows4 ? cols4 : 0;
    const rowStart = source.offset + r * source.rowStride;
    let at = target.offset + firstColumn * target.rowStride + r;
    for (let c = firstColumn; c < cols; c++, at += target.rowStride) to[at] = from[rowStart + c] ?? 0;
  }
}
