import type { JsonSchema } from '@nextplay/cls-core';

/** `callbacks.history` options. */
export interface HistoryOptions {
  /** The loss panel's y scale: `log` shows late, small losses better. */
  readonly loss_scale?: 'linear' | 'log';
}

export type ResolvedHistoryOptions = { readonly [K in keyof HistoryOptions]-?: HistoryOptions[K] };

export const HISTORY_DEFAULTS: ResolvedHistoryOptions = { loss_scale: 'linear' };

export const historyOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    loss_scale: {
      enum: ['linear', 'log'],
      default: HISTORY_DEFAULTS.loss_scale,
      description: "The loss panel's y scale.",
    },
  },
  additionalProperties: false,
};
