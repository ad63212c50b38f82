import type { TensorInfo } from '@tensorflow/tfjs-core';
import { PANEL_WIDTH, TILE_ROWS } from './gemmSimdModule.js';
import type { GemmArgs, PackArgs } from './kernelWorkers.js';
import { wasmTrainingKernelSettings } from './kernelSettings.js';
import { parallelKernels } from './parallelKernels.js';
import type { WasmKernelCalls } from './wasmKernelCalls.js';

/**
 * The rows of a matrix A, read where they lie in the wasm heap: row r is `segments` runs of `segmentLength`
 * floats, run s starting at byte `addresses[r·segments + s]`. Patches of a convolution are such rows, so a product
 * with them needs no patch matrix ("im2col").
 */
export interface MatrixRows {
  readonly rows: number;
  readonly segments: number;
  readonly segmentLength: number;
  readonly addresses: Int32Array;
  /** A itself, when its rows are one contiguous matrix. */
  readonly dense?: TensorInfo;
}

/** The rows of a row-major [rows, depth] matrix, each one run. */
export function denseRows(calls: WasmKernelCalls, a: TensorInfo, rows: number, depth: number): MatrixRows {
  const start = calls.byteOffset(a);
  const addresses = Int32Array.from({ length: rows }, (_, r) => start + 4 * r * depth);
  return { rows, segments: 1, segmentLength: depth, addresses, dense: a };
}

/**
 * Rows [firstRow, firstRow + rowCount) of the matrix, segments [firstSegment, firstSegment + segmentCount) of each,
 * copied out into a [1, rowCount, segmentCount·segmentLength] tensor for kernels that need a whole matrix.
 */
export function materializeRows(
  calls: WasmKernelCalls,
  m: MatrixRows,
  { firstRow = 0, rowCount = m.rows, firstSegment = 0, segmentCount = m.segments } = {},
): TensorInfo {
  const { segments, segmentLength, addresses } = m;
  const matrix = calls.allocate([1, rowCount, segmentCount * segmentLength]);
  const target = calls.view(matrix);
  const heap = new Float32Array(target.buffer);
  let to = 0;
  for (let r = firstRow; r < firstRow + rowCount; r++) {
    for (let s = firstSegment; s < firstSegment + segmentCount; s++, to += segmentLength) {
      // Addresses are unsigned, as wasm reads them.
      const from = ((addresses[r * segments + s] ?? 0) >>> 0) / 4;
      target.set(heap.subarray(from, from + segmentLength), to);
    }
  }
  return matrix;
}

/** Below this many values, packing B (memory-bound, well under a millisecond) is not worth waking the workers. */
const PARALLEL_PACK_VALUES = 256 * 1024;

/** Whether `matrixProduct` runs the engine's own kernels (else XNNPACK's, on materialized rows). */
export function ownProductAvailable(calls: WasmKernelCalls): boolean {
  return parallelKernels(calls) !== undefined;
}

/**
 * C = A · B, or C += A · B with `accumulate`, into `c` (allocated as [1, rows, columns] when not given); B's rows
 * are single runs of `columns` floats (`denseRows` of a [depth, columns] tensor, or rows read in place). With relaxed SIMD, the engine's fused-multiply-add kernels compute it on all
 * of the backend's threads, reading A's rows in place (`gemmSimdModule`): about twice the speed here of XNNPACK's
 * SIMD128 build, which multiplies and adds separately. Otherwise XNNPACK's BatchMatMul does, on A's rows copied out
 * in chunks of the shared dimension. Each element's sum runs in the same order whatever the thread count.
 */
export function matrixProduct(
  calls: WasmKernelCalls,
  a: MatrixRows,
  b: MatrixRows,
  columns: number,
  c?: TensorInfo,
  accumulate = false,
): TensorInfo {
  const depth = a.segments * a.segmentLength;
  if (b.segments !== 1 || b.segmentLength !== columns || b.rows !== depth) {
    throw new Error(`matrixProduct: B must be ${depth} rows of ${columns} values, one run each`);
  }
  const kernels = parallelKernels(calls);
  if (kernels === undefined) return xnnpackProduct(calls, a, b, columns, c, accumulate);
  const { rows, segments, segmentLength } = a;
  const output = c ?? calls.allocate([1, rows, columns]);
  const panels = Math.ceil(columns / PANEL_WIDTH);
  const width = panels * PANEL_WIDTH;
  // The kernels write whole panels: a width that is not a multiple of 8 goes through zero-padded copies.
  const padded = width !== columns;
  const bPadded = padded ? calls.allocate([depth, width]) : undefined;
  const cPadded = padded ? calls.allocate([rows, width]) : output;
  if (bPadded !== undefined) {
    const bWhole = materializeRows(calls, b);
    copyColumns(calls.view(bWhole), columns, calls.view(bPadded), width, depth, true);
    calls.dispose(bWhole);
    if (accumulate) copyColumns(calls.view(output), columns, calls.view(cPadded), width, rows, false);
  }
  const bRows = bPadded === undefined ? b : denseRows(calls, bPadded, depth, width);
  // B is packed (and the product accumulated) in chunks of A's runs, so that the packed copy stays bounded.
  const chunkSegments = Math.max(
    1,
    Math.min(segments, Math.floor(wasmTrainingKernelSettings.maxPackedValues / (segmentLength * width))),
  );
  const chunkDepth = chunkSegments * segmentLength;
  const table = calls.allocate([rows * chunkSegments], 'int32');
  const bTable = calls.allocate([depth], 'int32');
  const packed = calls.allocate([panels, chunkDepth, PANEL_WIDTH]);
  calls.heapView(bTable).set(bRows.addresses);
  const { pack, gemm, workers: pool } = kernels;
  for (let s0 = 0; s0 < segments; s0 += chunkSegments) {
    const count = Math.min(chunkSegments, segments - s0);
    const tableView = calls.heapView(table);
    if (count === segments) {
      tableView.set(a.addresses);
    } else {
      for (let r = 0; r < rows; r++) {
        tableView.set(a.addresses.subarray(r * segments + s0, r * segments + s0 + count), r * count);
      }
    }
    const panelBytes = 4 * PANEL_WIDTH * count * segmentLength;
    const packArgs: PackArgs = [
      calls.byteOffset(bTable) + 4 * s0 * segmentLength,
      panels,
      0,
      count * segmentLength,
      calls.byteOffset(packed),
      panelBytes,
    ];
    const gemmArgs: GemmArgs = [
      calls.byteOffset(table),
      count,
      4 * segmentLength,
      calls.byteOffset(packed),
      panelBytes,
      calls.byteOffset(cPadded),
      4 * width,
      0,
      rows,
      panels,
      accumulate || s0 > 0 ? 1 : 0,
    ];
    if (pool === undefined || count * segmentLength * width < PARALLEL_PACK_VALUES) pack(...packArgs);
    else pool.pack(pack, packArgs);
    if (pool === undefined) gemm(...gemmArgs);
    else pool.gemm(gemm, gemmArgs, TILE_ROWS);
  }
  if (bPadded !== undefined) {
    copyColumns(calls.view(cPadded), width, calls.view(output), columns, rows, false);
    calls.dispose(bPadded, cPadded);
  }
  calls.dispose(table, bTable, packed);
  return output;
}

/** Depth of the chunks in which `xnnpackProduct` copies out A's rows: keeps the copies small. */
const CHUNK_DEPTH = 1024;

function xnnpackProduct(
  calls: WasmKernelCalls,
  a: MatrixRows,
  b: MatrixRows,
  columns: number,
  c: TensorInfo | undefined,
  accumulate: boolean,
): TensorInfo {
  const { rows, segments, segmentLength } = a;
  const chunkSegments =
    a.dense === undefined ? Math.max(1, Math.floor(CHUNK_DEPTH / segmentLength)) : segments;
  let output = c;
  for (let s0 = 0; s0 < segments; s0 += chunkSegments) {
    const count = Math.min(chunkSegments, segments - s0);
    const depth = count * segmentLength;
    const whole = count === segments;
    const aChunk =
      a.dense === undefined
        ? materializeRows(calls, a, { firstSegment: s0, segmentCount: count })
        : calls.reshape(a.dense, [1, rows, depth]);
    const bChunk =
      whole && b.dense !== undefined
        ? calls.reshape(b.dense, [1, depth, columns])
        : materializeRows(calls, b, { firstRow: s0 * segmentLength, rowCount: depth });
    const product = calls.run(
      'BatchMatMul',
      { a: aChunk, b: bChunk },
      { transposeA: false, transposeB: false },
    );
    if (output === undefined) {
      output = product;
    } else {
      const target = calls.view(output);
      const values = calls.view(product);
      if (accumulate || s0 > 0) {
        for (let k = 0; k < target.length; k++) target[k] = (target[k] ?? 0) + (values[k] ?? 0);
      } else {
        target.set(values);
      }
      calls.dispose(product);
    }
    calls.dispose(aChunk, bChunk);
  }
  if (output === undefined) throw new Error('matrixProduct: A has no segments');
  return output;
}

/** Copies `count` rows of `columns` values into rows of `width` values, zeroing any columns beyond. */
function copyColumns(
  source: Float32Array,
  columns: number,
  target: Float32Array,
  width: number,
  count: number,
  zeroRest: boolean,
): void {
  const run = Math.min(columns, width);
  for (let r = 0; r < count; r++) {
    target.set(source.subarray(r * columns, r * columns + run), r * width);
    if (zeroRest && width > run) target.fill(0, r * width + run, (r + 1) * width);
  }
}
