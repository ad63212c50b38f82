import { definePlugin } from '@nextplay/cls-core';
import { HistoryCallback } from './historyCallback.js';
import { historyOptionsSchema, type HistoryOptions } from './historyOptions.js';

export const historyPlugin = definePlugin<'callback', HistoryOptions>({
  kind: 'callback',
  name: 'history',
  package: '@nextplay/cls-callback-history',
  description:
    'Plots loss, accuracy and learning rate per epoch as plots/history.{svg,png}, redrawn every epoch.',
  optionsSchema: historyOptionsSchema,
  create: (options) => new HistoryCallback(options),
});

export const historyPlugins = [historyPlugin] as const;
