import {
  definePlugin,
  type LrScheduler,
  type SchedulerContext,
  type SchedulerOptions,
} from '@nextplay/cls-core';
import { ENGINE_PACKAGE } from '../enginePackage.js';
import { optionalNumber } from '../optimizers/optimizerState.js';
import { linearWarmupFactor, linearWarmupSchemaProperties, type LinearWarmup } from './linearWarmup.js';

export interface CosineOptions {
  /** Warm-up length in epochs; may be fractional. */
  readonly warmup_epochs: number;
  /** The warm-up starts at this fraction of the base learning rate. */
  readonly warmup_start_factor: number;
  readonly min_lr: number;
}

/**
 * Linear warm-up from `warmup_start_factor·lr` to `lr` over `warmup_epochs`, then cosine annealing to `min_lr` at
 * the last step (timm/Lightning-bolts' LinearWarmupCosineAnnealingLR, per step).
 */
export class CosineScheduler implements LrScheduler {
  readonly name = 'cosine';
  readonly #baseLr: number;
  readonly #minLr: number;
  readonly #warmup: LinearWarmup;
  readonly #totalSteps: number;

  constructor(options: CosineOptions, context: SchedulerContext) {
    this.#baseLr = context.baseLr;
    this.#minLr = options.min_lr;
    this.#totalSteps = Math.max(1, context.totalSteps);
    this.#warmup = {
      steps: Math.min(this.#totalSteps, Math.round(options.warmup_epochs * context.stepsPerEpoch)),
      startFactor: options.warmup_start_factor,
    };
  }

  lrAt(step: number): number {
    if (step < this.#warmup.steps) return this.#baseLr * linearWarmupFactor(step, this.#warmup);
    const annealSteps = Math.max(1, this.#totalSteps - this.#warmup.steps);
    const progress = Math.min(1, (step - this.#warmup.steps) / annealSteps);
    return this.#minLr + (this.#baseLr - this.#minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}

export const cosinePlugin = definePlugin<'scheduler', SchedulerOptions & Record<string, unknown>>({
  kind: 'scheduler',
  name: 'cosine',
  package: ENGINE_PACKAGE,
  description: 'Linear warm-up, then cosine annealing to min_lr over the run, updated every step.',
  optionsSchema: {
    type: 'object',
    properties: {
      ...linearWarmupSchemaProperties,
      min_lr: { type: 'number', minimum: 0, default: 0 },
    },
    additionalProperties: false,
  },
  create: (options, context) =>
    new CosineScheduler(
      {
        warmup_epochs: optionalNumber(options, 'warmup_epochs', 0),
        warmup_start_factor: optionalNumber(options, 'warmup_start_factor', 0.1),
        min_lr: optionalNumber(options, 'min_lr', 0),
      },
      context,
    ),
});
