import type { SchedulerConfig } from './configSchema.js';

export interface SchedulerContext {
  readonly baseLr: number;
  readonly stepsPerEpoch: number;
  readonly maxEpochs: number;
  readonly totalSteps: number;
}

/** The learning rate as a function of the optimizer step (0-based). */
export interface LrScheduler {
  readonly name: string;
  lrAt(step: number): number;
}

export type SchedulerOptions = SchedulerConfig;
