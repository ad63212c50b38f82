import { tfjsBackendPlugins } from '@nextplay/cls-backend-tfjs-node';
import { wasmBackendPlugins } from '@nextplay/cls-backend-wasm';

/** The backends `cls` ships, which the engine's tests train on (the engine itself knows none). */
export const backendPlugins = [...wasmBackendPlugins, ...tfjsBackendPlugins];
