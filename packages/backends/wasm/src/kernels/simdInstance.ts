import { instantiateSimdModule, type SimdExport, type SimdFunction } from '@nextplay/cls-core/wasm-simd';
import type { WasmHeapBackend, WasmMemory } from './wasmKernelCalls.js';

/** A SIMD module instantiated on a backend's memory. */
export interface SimdInstance {
  readonly module: object;
  readonly memory: WasmMemory;
  /** Whether the memory is shared, i.e. other threads may instantiate the module on it too. */
  readonly shared: boolean;
  readonly exports: Record<string, SimdExport>;
}

/** Each module compiled against each wasm memory it has met (one memory per backend instance). */
const instances = new WeakMap<WasmMemory, Map<readonly SimdFunction[], SimdInstance>>();

/**
 * A SIMD module working on the backend's heap, compiled on first use; undefined where the backend does not expose
 * its memory (then callers compute in JavaScript).
 */
export function simdInstance(
  backend: WasmHeapBackend,
  functions: readonly SimdFunction[],
): SimdInstance | undefined {
  const { wasm } = backend;
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  if (memory === undefined) return undefined;
  let modules = instances.get(memory);
  if (modules === undefined) {
    modules = new Map();
    instances.set(memory, modules);
  }
  let instance = modules.get(functions);
  if (instance === undefined) {
    instance = { ...instantiateSimdModule(functions, memory), memory };
    modules.set(functions, instance);
  }
  return instance;
}

/** The functions of `simdInstance`'s module. */
export function simdExports(
  backend: WasmHeapBackend,
  functions: readonly SimdFunction[],
): Record<string, SimdExport> | undefined {
  return simdInstance(backend, functions)?.exports;
}
