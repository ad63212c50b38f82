import { definePlugin } from '@nextplay/cls-core';
import { LearningRateMonitor } from './learningRateMonitor.js';
import { lrMonitorOptionsSchema, type LearningRateMonitorOptions } from './lrMonitorOptions.js';

export const lrMonitorPlugin = definePlugin<'callback', LearningRateMonitorOptions>({
  kind: 'callback',
  name: 'lr_monitor',
  package: '@nextplay/cls-callback-lr-monitor',
  description: 'Logs the learning rate as the metric `lr`, per epoch or per step.',
  optionsSchema: lrMonitorOptionsSchema,
  create: (options) => new LearningRateMonitor(options),
});

export const lrMonitorPlugins = [lrMonitorPlugin] as const;
