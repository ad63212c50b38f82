import { ClsError } from '@nextplay/cls-core';

/** The wasm backend's memory is 32-bit and its build caps it at 4 GiB. */
export const WASM_HEAP_LIMIT_BYTES = 2 ** 32;

/** The part of tfjs-backend-wasm's emscripten module the guard wraps. */
export interface WasmAllocator {
  _malloc(bytes: number): number;
  readonly HEAPU8: { readonly length: number };
}

const GUARDED = Symbol('cls.wasmHeapGuard');

export function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/**
 * Makes a failed allocation in the wasm heap an error. emscripten's malloc returns 0 when the heap cannot grow
 * any further, and tfjs-backend-wasm then writes the tensor at address 0, over the allocator's own data: the next
 * `free` loops forever. Sizes of 4 GiB and more would wrap around the 32-bit argument, so they are refused first.
 * emscripten binds `_malloc` lazily by assigning the property, so the guard keeps whatever is assigned later
 * underneath itself.
 */
export function guardWasmAllocations(module: WasmAllocator): void {
  if (GUARDED in module) return;
  let malloc = module._malloc.bind(module);
  const guarded = (bytes: number): number => {
    if (bytes >= WASM_HEAP_LIMIT_BYTES) throw outOfMemory(bytes, module);
    const address = malloc(bytes);
    if (address === 0 && bytes > 0) throw outOfMemory(bytes, module);
    return address;
  };
  Object.defineProperty(module, '_malloc', {
    configurable: true,
    get: () => guarded,
    set: (next: (bytes: number) => number) => {
      malloc = next;
    },
  });
  Object.defineProperty(module, GUARDED, { value: true });
}

function outOfMemory(bytes: number, module: WasmAllocator): ClsError {
  return new ClsError(
    'OUT_OF_MEMORY',
    `out of memory: the wasm backend could not allocate ${formatBytes(bytes)} for a tensor ` +
      `(its heap has grown to ${formatBytes(module.HEAPU8.length)} of at most ${formatBytes(WASM_HEAP_LIMIT_BYTES)})`,
    { hint: 'lower data.batch_size or data.image_size, or train on a GPU backend' },
  );
}
