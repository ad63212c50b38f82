import { definePlugin } from '@nextplay/cls-core';
import { emaOptionsSchema, type EmaOptions } from './emaOptions.js';
import { ModelEma } from './modelEma.js';

export const emaPlugin = definePlugin<'callback', EmaOptions>({
  kind: 'callback',
  name: 'ema',
  package: '@nextplay/cls-callback-ema',
  description:
    "Exponential moving average of the model's weights (timm's ModelEmaV3), validated as val_ema/*; checkpoints hold the EMA weights.",
  optionsSchema: emaOptionsSchema,
  create: (options) => new ModelEma(options),
});

export const emaPlugins = [emaPlugin] as const;
