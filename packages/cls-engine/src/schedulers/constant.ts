import { definePlugin, type LrScheduler, type SchedulerOptions } from '@nextplay/cls-core';
import { ENGINE_PACKAGE } from '../enginePackage.js';

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
  description: 'Keeps the optimizer learning rate for the whole run.',
  optionsSchema: { type: 'object', properties: {}, additionalProperties: false },
  create: (_options, context) => new ConstantScheduler(context.baseLr),
});
