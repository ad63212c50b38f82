import * as tf from '@tensorflow/tfjs-core';
import { ClsError, UNSCALE_GRADIENTS, type UnscaleGradientsAttrs } from '@nextplay/cls-core';
import { activeBackendHasKernel } from '../backends/activeBackendHasKernel.js';

/** torch.cuda.amp.GradScaler's settings; the defaults are torch's. */
export interface GradScalerOptions {
  /** The loss scale to start from (2^16). */
  readonly initScale?: number;
  /** The scale is multiplied by this after `growthInterval` steps in a row with finite gradients (2). */
  readonly growthFactor?: number;
  /** The scale is multiplied by this after a step with inf/NaN gradients (0.5). */
  readonly backoffFactor?: number;
  /** Steps in a row with finite gradients before the scale grows (2000). */
  readonly growthInterval?: number;
}

/** `GradScaler.unscale`'s result: the unscaled gradients, and 1 (int32) where any scaled value was inf or NaN. */
export interface UnscaledGradients {
  readonly gradients: tf.Tensor[];
  readonly nonFinite: tf.Tensor;
}

/** What a checkpoint keeps of a `GradScaler` (`resume.grad_scaler`). */
export interface GradScalerState {
  readonly scale: number;
  /** Steps in a row with finite gradients since the scale last changed. */
  readonly growth_tracker: number;
  /** Optimizer steps skipped for inf/NaN gradients since the run began. */
  readonly skipped_steps: number;
}

/**
 * Dynamic loss scaling for `trainer.precision=16-mixed`, as torch.cuda.amp.GradScaler: the loss is multiplied
 * by `scale` so that small gradients survive float16, the summed gradients are divided by it again before
 * clipping and stepping, and a step whose gradients hold inf or NaN is skipped and shrinks the scale. After
 * `growthInterval` clean steps in a row the scale grows. The scale lives on the host: changing it costs no
 * device work.
 */
export class GradScaler {
  readonly #growthFactor: number;
  readonly #backoffFactor: number;
  readonly #growthInterval: number;
  #scale: number;
  #growthTracker = 0;
  #skippedSteps = 0;

  constructor(options: GradScalerOptions = {}) {
    const { initScale = 2 ** 16, growthFactor = 2, backoffFactor = 0.5, growthInterval = 2000 } = options;
    if (!(Number.isFinite(initScale) && initScale > 0)) {
      throw new ClsError(
        'CONFIG_INVALID',
        `grad scaler: init scale must be a positive number; got ${initScale}`,
      );
    }
    if (!(Number.isFinite(growthFactor) && growthFactor > 1)) {
      throw new ClsError('CONFIG_INVALID', `grad scaler: growth factor must be above 1; got ${growthFactor}`);
    }
    if (!(backoffFactor > 0 && backoffFactor < 1)) {
      throw new ClsError(
        'CONFIG_INVALID',
        `grad scaler: backoff factor must be between 0 and 1; got ${backoffFactor}`,
      );
    }
    if (!(Number.isSafeInteger(growthInterval) && growthInterval > 0)) {
      throw new ClsError(
        'CONFIG_INVALID',
        `grad scaler: growth interval must be a positive integer; got ${growthInterval}`,
      );
    }
    this.#scale = initScale;
    this.#growthFactor = growthFactor;
    this.#backoffFactor = backoffFactor;
    this.#growthInterval = growthInterval;
  }

  /** The factor the loss is multiplied by before differentiation. */
  get scale(): number {
    return this.#scale;
  }

  /** Optimizer steps skipped because their gradients held inf or NaN. */
  get skippedSteps(): number {
    return this.#skippedSteps;
  }

  /**
   * The gradients divided by the scale, as new tensors, and an int32 scalar that is 1 where any value of any gradient
   * is inf or NaN (before dividing, as torch checks), else 0: nothing is read from the device yet. One kernel call
   * where the backend has cls-core's `UNSCALE_GRADIENTS` (WebGPU), tfjs ops elsewhere. The caller disposes both.
   */
  unscale(gradients: readonly tf.Tensor[]): UnscaledGradients {
    const scale = 1 / this.#scale;
    if (gradients.length === 0) return { gradients: [], nonFinite: tf.scalar(0, 'int32') };
    if (activeBackendHasKernel(UNSCALE_GRADIENTS)) {
      const attrs: UnscaleGradientsAttrs = { scale };
      const outputs = tf
        .engine()
        .runKernel<tf.Tensor[]>(UNSCALE_GRADIENTS, gradients as unknown as tf.NamedTensorMap, attrs);
      const nonFinite = outputs.pop();
      if (nonFinite === undefined) throw new Error(`${UNSCALE_GRADIENTS} returned no flag`);
      return { gradients: outputs, nonFinite };
    }
    return tf.tidy(() => {
      // Each value is checked, not their sum: a sum of huge finite values may overflow.
      const values = tf.concat(gradients.map((gradient) => tf.reshape(gradient, [-1])));
      const inverse = tf.scalar(scale);
      return {
        gradients: gradients.map((gradient) => tf.mul(gradient, inverse)),
        nonFinite: tf.cast(tf.any(tf.logicalNot(tf.isFinite(values))), 'int32'),
      };
    });
  }

  /** Whether `unscale` found every gradient value finite: one read from the device. */
  async allFinite(unscaled: UnscaledGradients): Promise<boolean> {
    const [nonFinite] = await unscaled.nonFinite.data();
    return nonFinite === 0;
  }

  /** After an optimizer step: backs off after inf/NaN gradients (a skipped step), grows after a clean run. */
  update(foundInf: boolean): void {
    if (foundInf) {
      this.#scale *= this.#backoffFactor;
      this.#growthTracker = 0;
      this.#skippedSteps += 1;
      return;
    }
    this.#growthTracker += 1;
    if (this.#growthTracker >= this.#growthInterval) {
      this.#scale *= this.#growthFactor;
      this.#growthTracker = 0;
    }
  }

  stateDict(): GradScalerState {
    return { scale: this.#scale, growth_tracker: this.#growthTracker, skipped_steps: this.#skippedSteps };
  }

  loadStateDict(state: GradScalerState): void {
    this.#scale = state.scale;
    this.#growthTracker = state.growth_tracker;
    this.#skippedSteps = state.skipped_steps;
  }
}
