import { ClsError, type Callback, type TrainerContext } from '@nextplay/cls-core';
import type { LiveRun } from './liveRun.js';
import { REPORT_DEFAULTS, type ReportOptions, type ResolvedReportOptions } from './reportOptions.js';
import { saveRunReport } from './writeRunReport.js';

const MIB = 2 ** 20;

/**
 * Writes `report.html` in the run directory: one self-contained page (styles and images inline, nothing loaded
 * from anywhere) with every section whose files exist, rebuilt at each epoch's end, at fit end (also after
 * Ctrl-C) and at run end, once results.json is written. It runs after the other callbacks (`post`), so their files of the same hook are in;
 * a chart they render in the background shows up one rebuild later.
 */
export class ReportCallback implements Callback {
  readonly name = 'report';
  readonly order = 'post';
  readonly failure = 'warn';
  readonly options: ResolvedReportOptions;

  constructor(options: Readonly<ReportOptions> = {}) {
    this.options = { ...REPORT_DEFAULTS, ...options };
    const { every_n_epochs: every, max_inline_image_mb: maxMb } = this.options;
    if (!Number.isInteger(every) || every < 1) {
      throw new ClsError(
        'CONFIG_INVALID',
        `callbacks.report.every_n_epochs must be an integer ≥ 1, got ${every}`,
      );
    }
    if (!(maxMb > 0)) {
      throw new ClsError('CONFIG_INVALID', `callbacks.report.max_inline_image_mb must be > 0, got ${maxMb}`);
    }
  }

  async onTrainEpochEnd(context: TrainerContext): Promise<void> {
    if (context.stage !== 'fit' || (context.epoch + 1) % this.options.every_n_epochs !== 0) return;
    await this.#write(context, 'training');
  }

  async onFitEnd(context: TrainerContext): Promise<void> {
    // Without a test split no test follows: this is the last rebuild.
    const next = context.data.test === undefined ? 'finished' : 'testing';
    await this.#write(context, context.interrupted ? 'interrupted' : next);
  }

  /** The last rebuild, with results.json on disk (backend, best checkpoint, per-class test metrics). */
  async onRunEnd(context: TrainerContext): Promise<void> {
    await this.#write(context, context.interrupted ? 'interrupted' : 'finished');
  }

  async #write(context: TrainerContext, status: LiveRun['status']): Promise<void> {
    const live: LiveRun = {
      status,
      epoch: context.epoch,
      maxEpochs: context.maxEpochs,
      metrics: { ...context.metrics },
    };
    await saveRunReport(context.runDir, { live, maxInlineBytes: this.options.max_inline_image_mb * MIB });
  }
}
