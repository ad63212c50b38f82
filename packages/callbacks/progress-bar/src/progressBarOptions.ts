import type { JsonSchema } from '@nextplay/cls-core';

/** `callbacks.progress_bar` options, as in Lightning's TQDMProgressBar. */
export interface ProgressBarOptions {
  /** Redraw every n batches; 0 disables the progress bar. */
  readonly refresh_rate?: number;
  /** Keep each epoch's finished bar on the terminal (false: clear it). */
  readonly leave?: boolean;
}

export type ResolvedProgressBarOptions = {
  readonly [K in keyof ProgressBarOptions]-?: ProgressBarOptions[K];
};

export const PROGRESS_BAR_DEFAULTS: ResolvedProgressBarOptions = { refresh_rate: 1, leave: true };

export const progressBarOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    refresh_rate: {
      type: 'integer',
      minimum: 0,
      default: PROGRESS_BAR_DEFAULTS.refresh_rate,
      description: 'Redraw every n batches; 0 disables the progress bar.',
    },
    leave: {
      type: 'boolean',
      default: PROGRESS_BAR_DEFAULTS.leave,
      description: "Keep each epoch's finished bar on the terminal.",
    },
  },
  additionalProperties: false,
};
