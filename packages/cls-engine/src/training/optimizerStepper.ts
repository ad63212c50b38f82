import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, TrainableParameter } from '@nextplay/cls-core';
import { clipGradients, type GradientClipAlgorithm } from './gradientClipping.js';

export interface OptimizerStepperSettings {
  /** null or 0: no clipping. */
  readonly gradientClipVal: number | null;
  readonly gradientClipAlgorithm: GradientClipAlgorithm;
}

/**
 * Sums the gradients of the batches of one accumulation group, then clips them and takes one optimizer step,
 * in Lightning's order (accumulate → clip → step).
 */
export class OptimizerStepper {
  readonly #parameters: readonly TrainableParameter[];
  readonly #optimizer: Optimizer;
  readonly #clipVal: number | null;
  readonly #clipAlgorithm: GradientClipAlgorithm;
  #pending: tf.Tensor[] | undefined;
  #pendingBatches = 0;

  constructor(
    parameters: readonly TrainableParameter[],
    optimizer: Optimizer,
    settings: OptimizerStepperSettings,
  ) {
    this.#parameters = parameters;
    this.#optimizer = optimizer;
    this.#clipVal =
      settings.gradientClipVal === null || settings.gradientClipVal === 0 ? null : settings.gradientClipVal;
    this.#clipAlgorithm = settings.gradientClipAlgorithm;
  }

  /** Batches whose gradients wait for the next step. */
  get pendingBatches(): number {
    return this.#pendingBatches;
  }

  /** Adds one batch's gradients, taking ownership of them. */
  add(gradients: tf.Tensor[]): void {
    const pending = this.#pending;
    if (pending === undefined) {
      this.#pending = gradients;
    } else {
      this.#pending = pending.map((sum, i) => {
        const gradient = gradients[i];
        if (gradient === undefined) throw new Error('a batch produced fewer gradients than the previous one');
        return tf.add(sum, gradient);
      });
      tf.dispose(pending);
      tf.dispose(gradients);
    }
    this.#pendingBatches += 1;
  }

  /** Clips the summed gradients and steps the optimizer with them; nothing happens without pending gradients. */
  step(lr: number): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    this.#pendingBatches = 0;
    try {
      if (this.#clipVal === null) {
        this.#optimizer.step(this.#parameters, pending, lr);
      } else {
        const clipped = clipGradients(pending, this.#clipVal, this.#clipAlgorithm);
        try {
          this.#optimizer.step(this.#parameters, clipped, lr);
        } finally {
          tf.dispose(clipped);
        }
      }
    } finally {
      tf.dispose(pending);
    }
  }

  /** Drops gradients that were never stepped with. */
  dispose(): void {
    if (this.#pending !== undefined) tf.dispose(this.#pending);
    this.#pending = undefined;
    this.#pendingBatches = 0;
  }
}
