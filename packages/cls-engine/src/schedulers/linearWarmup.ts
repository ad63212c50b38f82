import type { LrScheduler, SchedulerContext } from '@nextplay/cls-core';
import { optionalNumber } from '../optimizers/optimizerState.js';

/** The warm-up options every built-in scheduler takes, so a model config can tune warm-up whatever the schedule. */
export const linearWarmupSchemaProperties = {
  warmup_epochs: {
    type: 'number',
    minimum: 0,
    default: 0,
    description: 'Linear warm-up length; may be fractional.',
  },
  warmup_start_factor: { type: 'number', minimum: 0, maximum: 1, default: 0.1 },
} as const;

export interface LinearWarmup {
  readonly steps: number;
  readonly startFactor: number;
}

export function linearWarmupOf(
  options: Readonly<Record<string, unknown>>,
  context: SchedulerContext,
): LinearWarmup {
  const epochs = optionalNumber(options, 'warmup_epochs', 0);
  return {
    steps: Math.min(Math.max(1, context.totalSteps), Math.round(epochs * context.stepsPerEpoch)),
    startFactor: optionalNumber(options, 'warmup_start_factor', 0.1),
  };
}

/** The factor on the learning rate at `step`: from `startFactor` up to 1 over the warm-up, then 1. */
export function linearWarmupFactor(step: number, warmup: LinearWarmup): number {
  if (step >= warmup.steps) return 1;
  return warmup.startFactor + (1 - warmup.startFactor) * (step / warmup.steps);
}

/** Scales a schedule by a linear warm-up (torch's LinearLR chained before it). */
export class WarmupScheduler implements LrScheduler {
  readonly name: string;
  readonly #inner: LrScheduler;
  readonly #warmup: LinearWarmup;

  constructor(inner: LrScheduler, warmup: LinearWarmup) {
    this.name = inner.name;
    this.#inner = inner;
    this.#warmup = warmup;
  }

  lrAt(step: number): number {
    return this.#inner.lrAt(step) * linearWarmupFactor(step, this.#warmup);
  }
}
