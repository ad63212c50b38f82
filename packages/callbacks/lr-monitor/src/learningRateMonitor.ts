import { ClsError, type Callback, type TrainerContext } from '@nextplay/cls-core';
import {
  LR_MONITOR_DEFAULTS,
  type LearningRateMonitorOptions,
  type ResolvedLearningRateMonitorOptions,
} from './lrMonitorOptions.js';

const LOGGING_INTERVALS: readonly string[] = ['epoch', 'step'];

/**
 * Logs the optimizer's learning rate as the metric `lr`. With `epoch` it is logged at each training epoch's end,
 * so it is the rate of the epoch's last step. With `step` it is logged after every batch; metrics are kept per
 * epoch, so `metrics.csv` holds the epoch's last value while `metrics.lr` follows every step.
 */
export class LearningRateMonitor implements Callback {
  readonly name = 'lr_monitor';
  readonly options: ResolvedLearningRateMonitorOptions;

  constructor(options: Readonly<LearningRateMonitorOptions> = {}) {
    this.options = { logging_interval: options.logging_interval ?? LR_MONITOR_DEFAULTS.logging_interval };
    if (!LOGGING_INTERVALS.includes(this.options.logging_interval)) {
      throw new ClsError(
        'CONFIG_INVALID',
        `callbacks.lr_monitor.logging_interval must be "epoch" or "step", got "${this.options.logging_interval}"`,
      );
    }
  }

  onTrainBatchEnd(context: TrainerContext): void {
    if (this.options.logging_interval === 'step') context.log('lr', context.lr);
  }

  onTrainEpochEnd(context: TrainerContext): void {
    if (this.options.logging_interval === 'epoch') context.log('lr', context.lr);
  }
}
