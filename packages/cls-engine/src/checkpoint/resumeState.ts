import type * as tf from '@tensorflow/tfjs-core';
import type { JsonValue } from '@nextplay/cls-core';
import type { GradScalerState } from '../training/gradScaler.js';

/**
 * What `trainer_state.json` records, besides the weights, to continue a run exactly where the checkpoint was
 * written (Lightning's loops, optimizer, scheduler and callback states). Randomness needs no saved state: data
 * order and augmentations derive from (seed, epoch, image index), so the seed and the position suffice.
 */
export interface ResumeState {
  readonly format: 1;
  readonly seed: number;
  /** 0-based epoch the checkpoint was written in. */
  readonly epoch: number;
  /** Training batches of `epoch` already consumed (its batch count once the epoch's training is done). */
  readonly batches_done: number;
  /** Whether `epoch` was validated before the checkpoint was written. */
  readonly validated: boolean;
  /** The epoch's running train totals and its metrics.csv row so far. */
  readonly epoch_totals: { readonly loss_sum: number; readonly correct: number; readonly size: number };
  readonly epoch_row: Readonly<Record<string, number>>;
  /** metrics.csv rows of the finished epochs. */
  readonly csv_rows: readonly Readonly<Record<string, number>>[];
  /** The learning rate of the most recent optimizer step. */
  readonly lr: number;
  readonly train_images: number;
  readonly train_seconds: number;
  readonly optimizer: JsonValue;
  readonly scheduler: JsonValue;
  readonly callbacks: Readonly<Record<string, JsonValue>>;
  /** The loss scale and its counters, in a run that trained in `16-mixed`. */
  readonly grad_scaler?: GradScalerState;
  /** Specs of the named tensors in `training_state.bin`, in file order. */
  readonly tensors: readonly tf.io.WeightsManifestEntry[];
}

/** Prefixes of the tensor names in `training_state.bin`. */
export const RESUME_TENSOR_PREFIX = {
  /** The live weights, stored when the model weights of the checkpoint are averaged ones (EMA). */
  liveWeights: 'model/',
  optimizer: 'optimizer/',
  callback: (name: string) => `callbacks/${name}/`,
} as const;

/** Tensors whose names start with `prefix`, with the prefix removed. */
export function tensorsUnder(
  tensors: Readonly<Record<string, tf.Tensor>>,
  prefix: string,
): Record<string, tf.Tensor> {
  const selected: Record<string, tf.Tensor> = {};
  for (const [name, tensor] of Object.entries(tensors)) {
    if (name.startsWith(prefix)) selected[name.slice(prefix.length)] = tensor;
  }
  return selected;
}
