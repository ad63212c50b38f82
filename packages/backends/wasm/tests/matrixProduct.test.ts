import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureWasmTrainingKernels } from '../src/index.js';
import {
  denseRows,
  matrixProduct,
  ownProductAvailable,
  type MatrixRows,
} from '../src/kernels/matrixProduct.js';
import { relaxedSimdAvailable } from '../src/kernels/relaxedSimd.js';
import { WasmKernelCalls } from '../src/kernels/wasmKernelCalls.js';
import { maxRelativeDiff, randomValues } from './helpers/kernelValues.js';

interface ProductCase {
  readonly rows: number;
  readonly segments: number;
  readonly segmentLength: number;
  readonly columns: number;
  readonly accumulate: boolean;
}

// Rows beyond one 6-row tile and ragged; widths that are not whole 8-column panels; runs longer than the 512-float
// depth block; several runs per row; accumulation into C.
const cases: ProductCase[] = [
  { rows: 13, segments: 1, segmentLength: 700, columns: 12, accumulate: false },
  { rows: 6, segments: 3, segmentLength: 5, columns: 8, accumulate: false },
  { rows: 20, segments: 4, segmentLength: 33, columns: 3, accumulate: true },
  { rows: 1, segments: 1, segmentLength: 1, columns: 1, accumulate: true },
  { rows: 50, segments: 2, segmentLength: 530, columns: 24, accumulate: false },
];

/** Row r, run s reads `segmentLength` values of the source from offset (r·7 + s·13) mod (size − length). */
function runOffsets({ rows, segments, segmentLength }: ProductCase, size: number): number[] {
  return Array.from(
    { length: rows * segments },
    (_, k) => (k * 7 + (k % segments) * 13) % (size - segmentLength + 1),
  );
}

describe('matrixProduct', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterEach(() => {
    configureWasmTrainingKernels({ product: 'auto', maxPackedValues: 4 * 1024 * 1024 });
  });

  it('runs the engine’s own relaxed-SIMD kernels on this Node', () => {
    expect(relaxedSimdAvailable()).toBe(true);
    expect(ownProductAvailable(new WasmKernelCalls(tf.backend()))).toBe(true);
  });

  // 'chunked': the engine's product, packing B a few runs of A at a time.
  it.each(
    (['auto', 'chunked', 'xnnpack'] as const).flatMap((product) => cases.map((c) => ({ ...c, product }))),
  )(
    '($product) C = A·B over $rows rows of $segments runs of $segmentLength, $columns columns, accumulate $accumulate',
    (c) => {
      configureWasmTrainingKernels(
        c.product === 'chunked'
          ? { product: 'auto', maxPackedValues: 2 * c.segmentLength * 8 }
          : { product: c.product },
      );
      const depth = c.segments * c.segmentLength;
      const sourceSize = 4000;
      const source = tf.tensor1d(randomValues(sourceSize, 1));
      const bValues = randomValues(depth * c.columns, 2);
      const cValues = randomValues(c.rows * c.columns, 3);
      // B's rows are read in place, in reverse order from a tensor holding them backwards.
      const reversed = new Float32Array(bValues.length);
      for (let k = 0; k < depth; k++)
        reversed.set(bValues.subarray(k * c.columns, (k + 1) * c.columns), (depth - 1 - k) * c.columns);
      const b = tf.tensor2d(reversed, [depth, c.columns]);
      const initial = tf.tensor2d(cValues, [c.rows, c.columns]);
      const offsets = runOffsets(c, sourceSize);
      const calls = new WasmKernelCalls(tf.backend());
      const start = calls.byteOffset(source);
      const a: MatrixRows = {
        rows: c.rows,
        segments: c.segments,
        segmentLength: c.segmentLength,
        addresses: Int32Array.from(offsets, (offset) => start + 4 * offset),
      };
      const bStart = calls.byteOffset(b);
      const bRows: MatrixRows = {
        rows: depth,
        segments: 1,
        segmentLength: c.columns,
        addresses: Int32Array.from({ length: depth }, (_, k) => bStart + 4 * (depth - 1 - k) * c.columns),
      };
      const dataIds = tf.backend().numDataIds();
      const result = matrixProduct(calls, a, bRows, c.columns, initial, c.accumulate);
      calls.disposeIntermediates(result);
      expect(result).toBe(initial);
      expect(tf.backend().numDataIds()).toBe(dataIds);

      const sourceValues = source.dataSync();
      const expected = new Float32Array(c.rows * c.columns);
      for (let r = 0; r < c.rows; r++) {
        for (let j = 0; j < c.columns; j++) {
          let sum = c.accumulate ? (cValues[r * c.columns + j] ?? 0) : 0;
          for (let s = 0; s < c.segments; s++) {
            const offset = offsets[r * c.segments + s] ?? 0;
            for (let t = 0; t < c.segmentLength; t++) {
              sum +=
                (sourceValues[offset + t] ?? 0) * (bValues[(s * c.segmentLength + t) * c.columns + j] ?? 0);
            }
          }
          expected[r * c.columns + j] = sum;
        }
      }
      expect(maxRelativeDiff(initial.dataSync() as Float32Array, expected)).toBeLessThan(1e-5);
      tf.dispose([source, b, initial]);
    },
  );

  it('allocates C when none is given, from dense matrices', () => {
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]);
    const calls = new WasmKernelCalls(tf.backend());
    const product = matrixProduct(calls, denseRows(calls, a, 2, 3), denseRows(calls, b, 3, 2), 2);
    calls.disposeIntermediates(product);
    expect(product.shape).toEqual([1, 2, 2]);
    expect(Array.from(calls.view(product))).toEqual([4, 5, 10, 11]);
    tf.backend().disposeData(product.dataId);
    tf.dispose([a, b]);
  });

  it('rejects a B whose shape does not match A', () => {
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const calls = new WasmKernelCalls(tf.backend());
    expect(() => matrixProduct(calls, denseRows(calls, a, 2, 3), denseRows(calls, b, 2, 2), 2)).toThrow(
      'matrixProduct: B must be 3 rows of 2 values, one run each',
    );
    tf.dispose([a, b]);
  });
});
