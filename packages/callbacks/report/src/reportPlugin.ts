import { definePlugin } from '@nextplay/cls-core';
import { ReportCallback } from './reportCallback.js';
import { reportOptionsSchema, type ReportOptions } from './reportOptions.js';

export const reportPlugin = definePlugin<'callback', ReportOptions>({
  kind: 'callback',
  name: 'report',
  package: '@nextplay/cls-callback-report',
  description:
    'Writes report.html in the run directory: config, metrics, plots, dataset, model, checkpoints and exports in one self-contained page, rebuilt every epoch.',
  optionsSchema: reportOptionsSchema,
  create: (options) => new ReportCallback(options),
});

export const reportPlugins = [reportPlugin] as const;
