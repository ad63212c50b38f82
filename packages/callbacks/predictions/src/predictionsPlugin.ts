import { definePlugin } from '@nextplay/cls-core';
import { PredictionsCallback } from './predictionsCallback.js';
import { predictionsOptionsSchema, type PredictionsOptions } from './predictionsOptions.js';

export const predictionsPlugin = definePlugin<'callback', PredictionsOptions>({
  kind: 'callback',
  name: 'predictions',
  package: '@nextplay/cls-callback-predictions',
  description:
    'Draws plots/predictions.{png,svg}, a grid of test (or val) images with true class, predicted class and probability, the most confident wrong and least confident correct among them, listed in predictions.json.',
  optionsSchema: predictionsOptionsSchema,
  create: (options) => new PredictionsCallback(options),
});

export const predictionsPlugins = [predictionsPlugin] as const;
