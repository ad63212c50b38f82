import type { JsonValue } from './callback.js';
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
  /**
   * Called once per epoch after validation (and before `onTrainEpochEnd` callbacks) with the latest metrics:
   * metric-driven schedules (reduce-on-plateau) update here; later `lrAt` calls see the change.
   */
  onEpochEnd?(epoch: number, metrics: Readonly<Record<string, number>>): void;
  /** Whatever `lrAt` depends on besides the step; saved in checkpoints. */
  stateDict?(): JsonValue;
  loadStateDict?(state: JsonValue): void;
}

export type SchedulerOptions = SchedulerConfig;
