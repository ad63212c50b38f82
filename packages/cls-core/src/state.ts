import type { Tensor } from '@tensorflow/tfjs-core';
import type { JsonValue } from './callback.js';

/**
 * The resumable state of an optimizer, scheduler or callback (Lightning's `state_dict`): plain values as JSON,
 * buffers as named float32 tensors. Checkpoints store it; resuming hands it back to `loadStateDict`.
 * Tensors returned by `stateDict` stay owned by their component (the engine only reads them);
 * tensors passed to `loadStateDict` are owned by the caller, so the component copies what it keeps.
 */
export interface ModuleState {
  readonly json?: JsonValue;
  readonly tensors?: Readonly<Record<string, Tensor>>;
}
