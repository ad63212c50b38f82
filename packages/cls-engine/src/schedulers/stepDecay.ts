import {
  definePlugin,
  type LrScheduler,
  type SchedulerContext,
  type SchedulerOptions,
} from '@nextplay/cls-core';
import { ENGINE_PACKAGE } from '../enginePackage.js';
import { optionalNumber } from '../optimizers/optimizerState.js';
import { WarmupScheduler, linearWarmupOf, linearWarmupSchemaProperties } from './linearWarmup.js';

/** lr · gamma^(number of milestones reached), milestones in epochs (torch StepLR / MultiStepLR, per epoch). */
export class StepDecayScheduler implements LrScheduler {
  readonly name: string;
  readonly #baseLr: number;
  readonly #stepsPerEpoch: number;
  readonly #gamma: number;
  readonly #milestoneOf: (epoch: number) => number;

  constructor(
    name: string,
    gamma: number,
    milestoneOf: (epoch: number) => number,
    context: SchedulerContext,
  ) {
    this.name = name;
    this.#baseLr = context.baseLr;
    this.#stepsPerEpoch = Math.max(1, context.stepsPerEpoch);
    this.#gamma = gamma;
    this.#milestoneOf = milestoneOf;
  }

  lrAt(step: number): number {
    const epoch = Math.floor(step / this.#stepsPerEpoch);
    return this.#baseLr * this.#gamma ** this.#milestoneOf(epoch);
  }
}

export const stepPlugin = definePlugin<'scheduler', SchedulerOptions & Record<string, unknown>>({
  kind: 'scheduler',
  name: 'step',
  package: ENGINE_PACKAGE,
  description: 'Multiplies the learning rate by gamma every step_size epochs (torch StepLR).',
  optionsSchema: {
    type: 'object',
    properties: {
      step_size: { type: 'integer', minimum: 1, default: 30 },
      gamma: { type: 'number', exclusiveMinimum: 0, default: 0.1 },
      ...linearWarmupSchemaProperties,
    },
    additionalProperties: false,
  },
  create: (options, context) => {
    const stepSize = Math.max(1, optionalNumber(options, 'step_size', 30));
    const schedule = new StepDecayScheduler(
      'step',
      optionalNumber(options, 'gamma', 0.1),
      (e) => Math.floor(e / stepSize),
      context,
    );
    return new WarmupScheduler(schedule, linearWarmupOf(options, context));
  },
});

export const multistepPlugin = definePlugin<'scheduler', SchedulerOptions & Record<string, unknown>>({
  kind: 'scheduler',
  name: 'multistep',
  package: ENGINE_PACKAGE,
  description: 'Multiplies the learning rate by gamma at each milestone epoch (torch MultiStepLR).',
  optionsSchema: {
    type: 'object',
    properties: {
      milestones: { type: 'array', items: { type: 'integer', minimum: 1 }, default: [30, 60, 90] },
      gamma: { type: 'number', exclusiveMinimum: 0, default: 0.1 },
      ...linearWarmupSchemaProperties,
    },
    additionalProperties: false,
  },
  create: (options, context) => {
    const milestones = Array.isArray(options.milestones)
      ? (options.milestones as unknown[]).filter((m): m is number => typeof m === 'number')
      : [30, 60, 90];
    const gamma = optionalNumber(options, 'gamma', 0.1);
    const schedule = new StepDecayScheduler(
      'multistep',
      gamma,
      (e) => milestones.filter((m) => m <= e).length,
      context,
    );
    return new WarmupScheduler(schedule, linearWarmupOf(options, context));
  },
});
