import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { PANEL_WIDTH, TILE_ROWS } from '../src/kernels/gemmSimdModule.js';
import {
  KernelWorkers,
  type AdamArgs,
  type AdamExport,
  type GemmArgs,
  type GemmExport,
  type PackArgs,
  type PackExport,
  nextGeneration,
} from '../src/kernels/kernelWorkers.js';
import { parallelFunctions } from '../src/kernels/parallelKernels.js';
import { relaxedSimdAvailable } from '../src/kernels/relaxedSimd.js';
import { simdModuleBytes } from '@nextplay/cls-core/wasm-simd';
import { randomValues } from './helpers/kernelValues.js';

const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: {
    Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => {
      buffer: SharedArrayBuffer;
    };
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  };
};

describe('KernelWorkers', () => {
  it('takes each job once: a wake-up without a new generation is no job (a stray one once hung training)', () => {
    const control = new Int32Array(new SharedArrayBuffer(4 * 10));
    control[0] = 5;
    // Wakes this thread twice while the generation is still 5 (notify counts the waiters it woke), then moves it on.
    const waker = new Worker(
      `const { workerData: control } = require('node:worker_threads');
      const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      for (let woken = 0; woken < 2; pause(5)) woken += Atomics.notify(control, 0);
      Atomics.add(control, 0, 1);
      Atomics.notify(control, 0);`,
      { eval: true, workerData: control },
    );
    try {
      expect(nextGeneration(control, 5)).toBe(6);
      expect(nextGeneration(control, 4)).toBe(6);
    } finally {
      void waker.terminate();
    }
  });

  it('splits packing, a product and an Adam step across threads with exactly the single-threaded results', () => {
    expect(relaxedSimdAvailable()).toBe(true);
    const memory = new wasm.Memory({ initial: 128, maximum: 65536, shared: true });
    const module = new wasm.Module(simdModuleBytes(parallelFunctions, true));
    const { gemm, pack, adam } = new wasm.Instance(module, { env: { memory } }).exports as {
      gemm: GemmExport;
      pack: PackExport;
      adam: AdamExport;
    };
    // A: 47 rows (ragged tiles) of depth 600 (beyond one depth block); B: 600 × 16.
    const [rows, depth, panels] = [47, 600, 2];
    const columns = panels * PANEL_WIDTH;
    const heap = new Float32Array(memory.buffer);
    const rowTable = new Int32Array(memory.buffer);
    const [a, b, packed, single, split, table, bTable, packedSplit] = [
      0, 30_000, 50_000, 70_000, 71_000, 72_000, 73_000, 80_000,
    ];
    heap.set(randomValues(rows * depth, 1), a);
    heap.set(randomValues(depth * columns, 2), b);
    for (let r = 0; r < rows; r++) rowTable[table + r] = 4 * (a + r * depth);
    for (let k = 0; k < depth; k++) rowTable[bTable + k] = 4 * (b + k * columns);
    const packArgs = (target: number): PackArgs => [
      4 * bTable,
      panels,
      0,
      depth,
      4 * target,
      4 * depth * PANEL_WIDTH,
    ];
    pack(...packArgs(packed));
    const args = (c: number): GemmArgs => [
      4 * table,
      1,
      4 * depth,
      4 * packed,
      4 * depth * PANEL_WIDTH,
      4 * c,
      4 * columns,
      0,
      rows,
      panels,
      0,
    ];
    gemm(...args(single));
    const workers = new KernelWorkers(module, memory, 3);
    workers.pack(pack, packArgs(packedSplit));
    expect(workers.parallel).toBe(true);
    const packedValues = heap.subarray(packed, packed + depth * columns);
    expect(Array.from(heap.subarray(packedSplit, packedSplit + depth * columns))).toEqual(
      Array.from(packedValues),
    );
    workers.gemm(gemm, args(split), TILE_ROWS);
    expect(Array.from(heap.subarray(split, split + rows * columns))).toEqual(
      Array.from(heap.subarray(single, single + rows * columns)),
    );
    expect(heap.subarray(split, split + rows * columns).some((v) => v !== 0)).toBe(true);

    // Adam over 70,000 values (several 16 KiB chunks), into two sets of outputs.
    const size = 70_000;
    const [p, g, m, v, out, outSplit] = [100_000, 200_000, 300_000, 400_000, 500_000, 800_000];
    for (const [at, seed] of [
      [p, 3],
      [g, 4],
      [m, 5],
      [v, 6],
    ] as const) {
      heap.set(randomValues(size, seed, 0.5, 0.5), at);
    }
    const adamArgs = (o: number): AdamArgs => [
      4 * p,
      4 * g,
      4 * m,
      4 * v,
      4 * o,
      4 * (o + size),
      4 * (o + 2 * size),
      0,
      4 * size,
      0.9,
      0.1,
      0.999,
      0.001,
      0.99,
      0.01,
      1.2,
      1e-8,
      0.001,
    ];
    adam(...adamArgs(out));
    workers.adam(adam, adamArgs(outSplit));
    expect(Array.from(heap.subarray(outSplit, outSplit + 3 * size))).toEqual(
      Array.from(heap.subarray(out, out + 3 * size)),
    );
  });
});
