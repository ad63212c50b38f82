import type { TensorInfo } from '@tensorflow/tfjs-core';
import { PANEL_WIDTH, gemmFunctions } from './gemmSimdModule.js';
import { GemmWorkers, type GemmExport } from './gemmWorkers.js';
import { wasmTrainingKernelSettings } from './kernelSettings.js';
import { relaxedSimdAvailable } from './relaxedSimd.js';
import { simdInstance, type SimdInstance } from './simdInstance.js';
import type { WasmKernelCalls, WasmMemory } from './wasmKernelCalls.js';

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

/** The rows of a row-major [rows, depth] matrix. */
export function denseRows(calls: WasmKernelCalls, a: TensorInfo, rows: number, depth: number): MatrixRows {
  const start = calls.byteOffset(a);
  const addresses = Int32Array.from({ length: rows }, (_, r) => start + 4 * r * depth);
  return { rows, segments: 1, segmentLength: depth, addresses, dense: a };
}

/** A as a [1, rows, depth] tensor, its runs copied out, for kernels that need it whole. */
export function materializeRows(
  calls: WasmKernelCalls,
  a: MatrixRows,
  firstSegment = 0,
  segmentCount?: number,
): TensorInfo {
  const { rows, segments, segmentLength, addresses } = a;
  const count = segmentCount ?? segments - firstSegment;
  const matrix = calls.allocate([1, rows, count * segmentLength]);
  const target = calls.view(matrix);
  const heap = new Float32Array(target.buffer);
  let to = 0;
  for (let r = 0; r < rows; r++) {
    for (let s = firstSegment; s < firstSegment + count; s++, to += segmentLength) {
      // Addresses are unsigned, as wasm reads them.
      const from = ((addresses[r * segments + s] ?? 0) >>> 0) / 4;
      target.set(heap.subarray(from, from + segmentLength), to);
    }
  }
  return matrix;
}

/** Worker pools by memory and thread count (one memory per backend instance). */
const pools = new WeakMap<WasmMemory, Map<number, GemmWorkers>>();

function workers(instance: SimdInstance, threads: number): GemmWorkers | undefined {
  if (!instance.shared || threads <= 1) return undefined;
  let byThreads = pools.get(instance.memory);
  if (byThreads === undefined) {
    byThreads = new Map();
    pools.set(instance.memory, byThreads);
  }
  let pool = byThreads.get(threads);
  if (pool === undefined) {
    pool = new GemmWorkers(instance.module, instance.memory, threads);
    byThreads.set(threads, pool);
  }
  return pool;
}

/** The relaxed-SIMD product's module on this backend, or undefined where it cannot or should not run. */
function gemmInstance(calls: WasmKernelCalls): SimdInstance | undefined {
  if (wasmTrainingKernelSettings.product === 'xnnpack' || !relaxedSimdAvailable()) return undefined;
  return simdInstance(calls.backend, gemmFunctions);
}

/** Whether `matrixProduct` runs the engine's own kernels (else XNNPACK's, on materialized rows). */
export function ownProductAvailable(calls: WasmKernelCalls): boolean {
  return gemmInstance(calls) !== undefined;
}

/**
 * C = A · B, or C += A · B with `accumulate`, into `c` (allocated as [1, rows, columns] when not given); B is a
 * row-major [depth, columns] tensor. With relaxed SIMD, the engine's fused-multiply-add kernels compute it on all
 * of the backend's threads, reading A's rows in place (`gemmSimdModule`): about twice the speed here of XNNPACK's
 * SIMD128 build, which multiplies and adds separately. Otherwise XNNPACK's BatchMatMul does, on A's rows copied out
 * in chunks of the shared dimension. Each element's sum runs in the same order whatever the thread count.
 */
export function matrixProduct(
  calls: WasmKernelCalls,
  a: MatrixRows,
  b: TensorInfo,
  columns: number,
  c?: TensorInfo,
  accumulate = false,
): TensorInfo {
  const instance = gemmInstance(calls);
  if (instance === undefined) return xnnpackProduct(calls, a, b, columns, c, accumulate);
  const { rows, segments, segmentLength } = a;
  const depth = segments * segmentLength;
  const output = c ?? calls.allocate([1, rows, columns]);
  const panels = Math.ceil(columns / PANEL_WIDTH);
  const width = panels * PANEL_WIDTH;
  // The kernels write whole panels: a width that is not a multiple of 8 goes through zero-padded copies.
  const padded = width !== columns;
  const table = calls.allocate([a.addresses.length], 'int32');
  const packed = calls.allocate([panels, depth, PANEL_WIDTH]);
  const bPadded = padded ? calls.allocate([depth, width]) : b;
  const cPadded = padded ? calls.allocate([rows, width]) : output;
  calls.heapView(table).set(a.addresses);
  if (padded) {
    copyColumns(calls.view(b), columns, calls.view(bPadded), width, depth, true);
    if (accumulate) copyColumns(calls.view(output), columns, calls.view(cPadded), width, rows, false);
  }
  const { pack, gemm } = instance.exports as { pack: (...args: number[]) => void; gemm: GemmExport };
  pack(calls.byteOffset(bPadded), 4 * width, panels, depth, calls.byteOffset(packed));
  const args: Parameters<GemmExport> = [
    calls.byteOffset(table),
    segments,
    4 * segmentLength,
    calls.byteOffset(packed),
    4 * PANEL_WIDTH * depth,
    calls.byteOffset(cPadded),
    4 * width,
    0,
    rows,
    panels,
    accumulate ? 1 : 0,
  ];
  const pool = workers(instance, wasmTrainingKernelSettings.threads);
  if (pool === undefined) gemm(...args);
  else pool.run(gemm, args);
  if (padded) {
    copyColumns(calls.view(cPadded), width, calls.view(output), columns, rows, false);
    calls.dispose(bPadded, cPadded);
  }
  calls.dispose(table, packed);
  return output;
}

/** Depth of the chunks in which `xnnpackProduct` copies out A's rows: keeps the copies small. */
const CHUNK_DEPTH = 1024;

function xnnpackProduct(
  calls: WasmKernelCalls,
  a: MatrixRows,
  b: TensorInfo,
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
    const aChunk =
      a.dense === undefined ? materializeRows(calls, a, s0, count) : calls.reshape(a.dense, [1, rows, depth]);
    const bChunk =
      count === segments ? calls.reshape(b, [1, depth, columns]) : calls.allocate([1, depth, columns]);
    if (count !== segments) {
      const start = s0 * segmentLength * columns;
      calls.view(bChunk).set(calls.view(b).subarray(start, start + depth * columns));
    }
    const product = calls.run(
      'BatchMatMul',
      { a: aChunk, b: bChunk },
      { transposeA: false, transposeB: false },
    );
    const add = accumulate || s0 > 0;
    if (output === undefined) {
      output = product;
    } else {
      const target = calls.view(output);
      const values = calls.view(product);
      if (add) for (let k = 0; k < target.length; k++) target[k] = (target[k] ?? 0) + (values[k] ?? 0);
      else target.set(values);
      calls.dispose(product);
    }
    if (a.dense === undefined) calls.dispose(aChunk);
    if (count !== segments) calls.dispose(bChunk);
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
