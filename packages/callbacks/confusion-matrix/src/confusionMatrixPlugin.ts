import { definePlugin } from '@nextplay/cls-core';
import { ConfusionMatrixCallback } from './confusionMatrixCallback.js';
import { confusionMatrixOptionsSchema, type ConfusionMatrixOptions } from './confusionMatrixOptions.js';

export const confusionMatrixPlugin = definePlugin<'callback', ConfusionMatrixOptions>({
  kind: 'callback',
  name: 'confusion_matrix',
  package: '@nextplay/cls-callback-confusion-matrix',
  description:
    'Writes confusion_matrix/epoch_NNN.csv and plots/confusion_matrix/epoch_NNN.{svg,png} for every validated epoch, and plots/confusion_matrix.{svg,png} for the best.',
  optionsSchema: confusionMatrixOptionsSchema,
  create: (options) => new ConfusionMatrixCallback(options),
});

export const confusionMatrixPlugins = [confusionMatrixPlugin] as const;
