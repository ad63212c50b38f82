import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { transposeMatrix } from '../src/kernels/heapLayout.js';
import { WasmKernelCalls } from '../src/kernels/wasmKernelCalls.js';

describe('transposeMatrix', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  // Whole 4×4 blocks, ragged rows and columns, fewer than 4 of either, strided rows inside larger tensors.
  it.each([
    { rows: 8, cols: 12 },
    { rows: 7, cols: 9 },
    { rows: 3, cols: 10 },
    { rows: 10, cols: 2 },
    { rows: 1, cols: 1 },
  ])('target[c][r] = source[r][c] for $rows × $cols, leaving the rest untouched', ({ rows, cols }) => {
    const sourceStride = cols + 3;
    const targetStride = rows + 5;
    const source = tf.tensor1d(Float32Array.from({ length: 2 + rows * sourceStride }, (_, i) => i + 1));
    const target = tf.zeros([1 + cols * targetStride]);
    const calls = new WasmKernelCalls(tf.backend());
    transposeMatrix(
      calls,
      { tensor: source, offset: 2, rowStride: sourceStride },
      { tensor: target, offset: 1, rowStride: targetStride },
      rows,
      cols,
    );
    const values = target.dataSync();
    const expected = new Float32Array(values.length);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) expected[1 + c * targetStride + r] = 2 + r * sourceStride + c + 1;
    }
    expect(Array.from(values)).toEqual(Array.from(expected));
    tf.dispose([source, target]);
  });
});
