import { ClsError, type Callback, type TrainBatchInfo, type TrainerContext } from '@nextplay/cls-core';
import { PlainProgressRenderer } from './plainProgressRenderer.js';
import {
  PROGRESS_BAR_DEFAULTS,
  type ProgressBarOptions,
  type ResolvedProgressBarOptions,
} from './progressBarOptions.js';
import { formatLearningRate, formatMetrics, formatSignificant } from './progressFormat.js';
import type { ProgressRenderer, ProgressStream } from './progressRenderer.js';
import { TtyProgressRenderer } from './ttyProgressRenderer.js';

/** What the progress bar writes to and times with; tests pass their own. */
export interface ProgressBarIO {
  /** Default process.stdout; a terminal gets a redrawn bar, anything else plain lines. */
  readonly stream?: ProgressStream;
  /** Milliseconds, for images per second. Default performance.now. */
  readonly now?: () => number;
}

/**
 * Lightning's TQDMProgressBar: one bar per training epoch with loss, learning rate and throughput, a transient
 * bar while validating followed by a line with the `val/` metrics, and a bar for testing with a line of `test/`
 * metrics. Off a terminal it prints a plain line every ~10 % instead of redrawing.
 */
export class ProgressBar implements Callback {
  readonly name = 'progress_bar';
  readonly options: ResolvedProgressBarOptions;
  readonly #renderer: ProgressRenderer | undefined;
  readonly #now: () => number;
  #epochStart = 0;
  #images = 0;

  constructor(options: Readonly<ProgressBarOptions> = {}, io: ProgressBarIO = {}) {
    this.options = {
      refresh_rate: options.refresh_rate ?? PROGRESS_BAR_DEFAULTS.refresh_rate,
      leave: options.leave ?? PROGRESS_BAR_DEFAULTS.leave,
    };
    const refreshRate = this.options.refresh_rate;
    if (!Number.isInteger(refreshRate) || refreshRate < 0) {
      throw new ClsError(
        'CONFIG_INVALID',
        `callbacks.progress_bar.refresh_rate must be an integer >= 0, got ${refreshRate}`,
      );
    }
    const stream = io.stream ?? process.stdout;
    this.#now = io.now ?? (() => performance.now());
    if (refreshRate > 0) {
      this.#renderer =
        stream.isTTY === true
          ? new TtyProgressRenderer(stream, this.options.leave)
          : new PlainProgressRenderer(stream);
    }
  }

  get enabled(): boolean {
    return this.#renderer !== undefined;
  }

  onTrainEpochStart(context: TrainerContext): void {
    this.#epochStart = this.#now();
    this.#images = 0;
    this.#renderer?.start(epochLabel(context), context.batchesInLoop, false);
  }

  onTrainBatchEnd(context: TrainerContext, batch: TrainBatchInfo): void {
    this.#images += batch.size;
    if (!this.#due(batch.index, context)) return;
    const parts = [`loss=${formatSignificant(batch.loss, 3)}`, `lr=${formatLearningRate(context.lr)}`];
    const seconds = (this.#now() - this.#epochStart) / 1000;
    if (seconds > 0) parts.push(`${(this.#images / seconds).toFixed(1)} img/s`);
    this.#renderer?.update(batch.index + 1, parts.join(' '));
  }

  onTrainEpochEnd(): void {
    this.#renderer?.stop();
  }

  onValidationStart(context: TrainerContext): void {
    this.#renderer?.start('Validation', context.batchesInLoop, true);
  }

  onValidationBatchEnd(context: TrainerContext, batchIndex: number): void {
    if (this.#due(batchIndex, context)) this.#renderer?.update(batchIndex + 1, '');
  }

  onValidationEnd(context: TrainerContext): void {
    const title = context.stage === 'fit' ? `${epochLabel(context)} validation` : 'Validation';
    this.#renderer?.line(`${title}: ${formatMetrics(context.metrics, 'val/') || 'no val/ metrics'}`);
  }

  onTestStart(context: TrainerContext): void {
    this.#renderer?.start('Testing', context.batchesInLoop, false);
  }

  onTestBatchEnd(context: TrainerContext, batchIndex: number): void {
    if (this.#due(batchIndex, context)) this.#renderer?.update(batchIndex + 1, '');
  }

  onTestEnd(context: TrainerContext): void {
    this.#renderer?.line(`Test: ${formatMetrics(context.metrics, 'test/') || 'no test/ metrics'}`);
  }

  onFitEnd(): void {
    this.#renderer?.stop();
  }

  onException(): void {
    this.#renderer?.stop();
  }

  /** Every `refresh_rate` batches, and the loop's last batch. */
  #due(batchIndex: number, context: TrainerContext): boolean {
    const done = batchIndex + 1;
    return done % this.options.refresh_rate === 0 || done === context.batchesInLoop;
  }
}

function epochLabel(context: TrainerContext): string {
  return `Epoch ${context.epoch + 1}/${context.maxEpochs}`;
}
