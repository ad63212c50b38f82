import { definePlugin } from '@nextplay/cls-core';
import { EarlyStopping } from './earlyStopping.js';
import { earlyStoppingOptionsSchema, type EarlyStoppingOptions } from './earlyStoppingOptions.js';

export const earlyStoppingPlugin = definePlugin<'callback', EarlyStoppingOptions>({
  kind: 'callback',
  name: 'early_stopping',
  package: '@nextplay/cls-callback-early-stopping',
  description:
    'Stops training when a monitored metric has stopped improving for `patience` validation checks.',
  optionsSchema: earlyStoppingOptionsSchema,
  create: (options) => new EarlyStopping(options),
});

export const earlyStoppingPlugins = [earlyStoppingPlugin] as const;
