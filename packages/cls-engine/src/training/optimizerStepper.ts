import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, TrainableParameter } from '@nextplay/cls-core';
import type { GradScaler } from './gradScaler.js';
import { clipGradients, type GradientClipAlgorithm } from './gradientClipping.js';

export interface OptimizerStepperSettings {
  /** null or 0: no clipping. */
  readonly gradientClipVal: number | null;
  readonly gradientClipAlgorithm: GradientClipAlgorithm;
  /** `trainer.precision=16-mixed`: the gradients are of the scaled loss; absent = they are the loss's own. */
  readonly gradScaler?: GradScaler | undefined;
}

/**
 * Sums the gradients of the batches of one accumulation group, then clips them and takes one optimizer step,
 * in Lightning's order (accumulate → clip → step). With a grad scaler: accumulate → unscale → clip → step, and
 * a group whose gradients hold inf or NaN skips its step.
 */
export class OptimizerStepper {
  readonly #parameters: readonly TrainableParameter[];
  readonly #optimizer: Optimizer;
  readonly #clipVal: number | null;
  readonly #clipAlgorithm: GradientClipAlgorithm;
  readonly #scaler: GradScaler | undefined;
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
    this.#scaler = settings.gradScaler;
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

  /**
   * Clips the summed gradients and steps the optimizer with them; true when it stepped. Nothing happens without
   * pending gradients; with a grad scaler, gradients holding inf or NaN are dropped without a step.
   */
  async step(lr: number): Promise<boolean> {
    const pending = this.#pending;
    if (pending === undefined) return false;
    this.#pending = undefined;
    this.#pendingBatches = 0;
    try {
      const scaler = this.#scaler;
      if (scaler === undefined) {
        this.#clipAndStep(pending, lr);
        return true;
      }
      const unscaled = scaler.unscale(pending);
      try {
        if (!(await scaler.allFinite(unscaled))) {
          scaler.update(true);
          return false;
        }
        this.#clipAndStep(unscaled.gradients, lr);
        scaler.update(false);
        return true;
      } finally {
        tf.dispose([...unscaled.gradients, unscaled.nonFinite]);
      }
    } finally {
      tf.dispose(pending);
    }
  }

  #clipAndStep(gradients: tf.Tensor[], lr: number): void {
    if (this.#clipVal === null) {
      this.#optimizer.step(this.#parameters, gradients, lr);
      return;
    }
    const clipped = clipGradients(gradients, this.#clipVal, this.#clipAlgorithm);
    try {
      this.#optimizer.step(this.#parameters, clipped, lr);
    } finally {
      tf.dispose(clipped);
    }
  }

  /** Drops gradients that were never stepped with. */
  dispose(): void {
    if (this.#pending !== undefined) tf.dispose(this.#pending);
    this.#pending = undefined;
    this.#pendingBatches = 0;
  }
}
