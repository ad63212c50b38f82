import type { JsonSchema } from '@nextplay/cls-core';

/** When the learning rate is logged: once per training epoch, or after every training batch. */
export type LoggingInterval = 'epoch' | 'step';

/** `callbacks.lr_monitor` options, as in Lightning's LearningRateMonitor. */
export interface LearningRateMonitorOptions {
  readonly logging_interval?: LoggingInterval;
}

export type ResolvedLearningRateMonitorOptions = {
  readonly [K in keyof LearningRateMonitorOptions]-?: LearningRateMonitorOptions[K];
};

export const LR_MONITOR_DEFAULTS: ResolvedLearningRateMonitorOptions = { logging_interval: 'epoch' };

export const lrMonitorOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    logging_interval: {
      enum: ['epoch', 'step'],
      default: LR_MONITOR_DEFAULTS.logging_interval,
      description:
        "epoch: log the learning rate at each training epoch's end; step: after every batch (metrics.csv keeps the epoch's last).",
    },
  },
  additionalProperties: false,
};
