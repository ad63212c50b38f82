import { definePlugin } from '@nextplay/cls-core';
import { ProgressBar } from './progressBar.js';
import { progressBarOptionsSchema, type ProgressBarOptions } from './progressBarOptions.js';

export const progressBarPlugin = definePlugin<'callback', ProgressBarOptions>({
  kind: 'callback',
  name: 'progress_bar',
  package: '@nextplay/cls-callback-progress-bar',
  description:
    'Shows training, validation and test progress on stdout (plain lines when it is not a terminal).',
  optionsSchema: progressBarOptionsSchema,
  create: (options) => new ProgressBar(options),
});

export const progressBarPlugins = [progressBarPlugin] as const;
