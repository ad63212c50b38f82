import { adamFunction } from './adamSimdModule.js';
import { gemmFunctions } from './gemmSimdModule.js';
import { wasmTrainingKernelSettings } from './kernelSettings.js';
import { KernelWorkers, type AdamExport, type GemmExport, type PackExport } from './kernelWorkers.js';
import { relaxedSimdAvailable } from './relaxedSimd.js';
import { simdInstance, type SimdInstance } from './simdInstance.js';
import type { WasmKernelCalls, WasmMemory } from './wasmKernelCalls.js';

/**
 * One module for everything the worker threads run: the matrix product's functions (first: gemm calls its tiles by
 * index), and Adam's step.
 */
export const parallelFunctions = [...gemmFunctions, adamFunction];

/** The module's functions on a backend, and the workers that share them, if the backend has threads. */
export interface ParallelKernels {
  readonly gemm: GemmExport;
  readonly pack: PackExport;
  readonly adam: AdamExport;
  readonly workers: KernelWorkers | undefined;
}

/** Worker pools by memory and thread count (one memory per backend instance). */
const pools = new WeakMap<WasmMemory, Map<number, KernelWorkers | undefined>>();

function workers(instance: SimdInstance, threads: number): KernelWorkers | undefined {
  if (!instance.shared || threads <= 1) return undefined;
  let byThreads = pools.get(instance.memory);
  if (byThreads === undefined) {
    byThreads = new Map();
    pools.set(instance.memory, byThreads);
  }
  if (!byThreads.has(threads)) {
    let pool: KernelWorkers | undefined;
    try {
      pool = new KernelWorkers(instance.module, instance.memory, threads);
    } catch {
      // Where worker threads cannot start, the kernels run on this thread alone.
      pool = undefined;
    }
    byThreads.set(threads, pool);
  }
  return byThreads.get(threads);
}

/** Whether the engine's own product will run on a wasm backend that exposes its memory. */
export function ownProductPossible(): boolean {
  return wasmTrainingKernelSettings.product !== 'xnnpack' && relaxedSimdAvailable();
}

/**
 * The parallel kernels on this backend; undefined where the engine's own product does not run (the module uses
 * relaxed SIMD) or the backend does not expose its memory.
 */
export function parallelKernels(calls: WasmKernelCalls): ParallelKernels | undefined {
  const instance = ownProductPossible() ? simdInstance(calls.backend, parallelFunctions) : undefined;
  if (instance === undefined) return undefined;
  const { gemm, pack, adam } = instance.exports as unknown as {
    gemm: GemmExport;
    pack: PackExport;
    adam: AdamExport;
  };
  return { gemm, pack, adam, workers: workers(instance, wasmTrainingKernelSettings.threads) };
}
