import { definePlugin } from '@nextplay/cls-core';
import { WasmBackend } from './wasmBackend.js';

export const wasmBackendPlugin = definePlugin<'backend', Record<string, unknown>>({
  kind: 'backend',
  name: 'wasm',
  package: '@nextplay/cls-backend-wasm',
  description:
    'WebAssembly + XNNPACK (SIMD) on the CPU, multi-threaded (trainer.num_threads), with the convolution gradient kernels training needs.',
  optionsSchema: { type: 'object', properties: {}, additionalProperties: false },
  create: (_options, context) => new WasmBackend(context.threads, context.logger),
});
