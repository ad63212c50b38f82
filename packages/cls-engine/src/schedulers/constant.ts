import { definePlugin, type LrScheduler, type SchedulerOptions } from '@nextplay/cls-core';
import { ENGINE_PACKAGE } from '../enginePackage.js';
import { WarmupScheduler, linearWarmupOf, linearWarmupSchemaProperties } from './linearWarmup.js';

export class ConstantScheduler implements LrScheduler {
  readonly name = 'constant';
  readonly #lr: number;

  constructor(lr: number) {
    this.#lr = lr;
  }

  lrAt(): number {
    return this.#lr;
  }
}

export const constantPlugin = definePlugin<'scheduler', SchedulerOptions & Record<string, unknown>>({
  kind: 'scheduler',
  name: 'constant',
  package: ENGINE_PACKAGE,
  description: 'Keeps the optimizer learning rate for the whole run (after an optional linear warm-up).',
  optionsSchema: {
    type: 'object',
    properties: { ...linearWarmupSchemaProperties },
    additionalProperties: false,
  },
  create: (options, context) =>
    new WarmupScheduler(new ConstantScheduler(context.baseLr), linearWarmupOf(options, context)),
});
