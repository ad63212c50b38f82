import { join } from 'node:path';
import { ChartWriter } from '@nextplay/cls-charts';
import { ClsError, type Callback, type ModuleState, type TrainerContext } from '@nextplay/cls-core';
import { EpochHistory } from './epochHistory.js';
import { historyChart } from './historyChart.js';
import { HISTORY_DEFAULTS, type HistoryOptions, type ResolvedHistoryOptions } from './historyOptions.js';

const LOSS_SCALES: readonly string[] = ['linear', 'log'];

/**
 * Plots the run's curves, `plots/history.{svg,png}`: train/val loss, accuracy (and `val_ema/*` when EMA runs)
 * and learning rate per epoch, redrawn in the background at each epoch's end. The epochs are kept in checkpoints,
 * so a resumed run's plot has every epoch once.
 */
export class HistoryCallback implements Callback {
  readonly name = 'history';
  /** After the others: every metric of the epoch (lr_monitor's `lr`, EMA's `val_ema/*`) is logged. */
  readonly order = 'post';
  readonly failure = 'warn';
  readonly options: ResolvedHistoryOptions;
  #history = new EpochHistory();
  #charts: ChartWriter | undefined;

  constructor(options: Readonly<HistoryOptions> = {}) {
    this.options = { ...HISTORY_DEFAULTS, ...options };
    if (!LOSS_SCALES.includes(this.options.loss_scale)) {
      throw new ClsError(
        'CONFIG_INVALID',
        `callbacks.history.loss_scale must be "linear" or "log", got "${this.options.loss_scale}"`,
      );
    }
  }

  /** The epochs recorded so far. */
  get history(): EpochHistory {
    return this.#history;
  }

  onFitStart(context: TrainerContext): void {
    this.#charts = new ChartWriter({ logger: context.logger });
  }

  onTrainEpochEnd(context: TrainerContext): void {
    this.#charts?.throwIfFailed();
    if (context.stage !== 'fit') return;
    this.#history.record(context.epoch, { lr: context.lr, ...context.metrics });
    this.#charts?.write(
      historyChart(this.#history, { lossScale: this.options.loss_scale }),
      join(context.runDir, 'plots', 'history'),
    );
  }

  async onFitEnd(): Promise<void> {
    await this.#charts?.flush();
  }

  stateDict(): ModuleState {
    return { json: this.#history.toJson() };
  }

  loadStateDict(state: ModuleState): void {
    this.#history = EpochHistory.fromJson(state.json);
  }
}
