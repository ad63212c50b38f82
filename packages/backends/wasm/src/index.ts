import { wasmBackendPlugin } from './wasmBackendPlugin.js';

export { wasmBackendPlugin } from './wasmBackendPlugin.js';
export { WasmBackend } from './wasmBackend.js';
export { WASM_HEAP_LIMIT_BYTES, guardWasmAllocations } from './wasmHeapGuard.js';
export type { WasmAllocator } from './wasmHeapGuard.js';
export type { WasmHeapBackend } from './kernels/wasmKernelCalls.js';
export { registerWasmTrainingKernels, wasmTrainingKernels } from './kernels/registerWasmTrainingKernels.js';
export { configureWasmTrainingKernels } from './kernels/kernelSettings.js';
export type { WasmTrainingKernelSettings } from './kernels/kernelSettings.js';

export const wasmBackendPlugins = [wasmBackendPlugin];
export default wasmBackendPlugin;
