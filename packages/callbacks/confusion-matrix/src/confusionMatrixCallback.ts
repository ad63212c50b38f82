import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChartWriter } from '@nextplay/cls-charts';
import {
  ClsError,
  isBetter,
  isMonitorMode,
  writeFileAtomic,
  type Callback,
  type ModuleState,
  type TrainerContext,
} from '@nextplay/cls-core';
import { confusionCounts, type ConfusionCounts } from './confusionCounts.js';
import { confusionMatrixChart } from './confusionMatrixChart.js';
import { confusionMatrixFromCsv, confusionMatrixToCsv } from './confusionMatrixCsv.js';
import {
  CONFUSION_MATRIX_DEFAULTS,
  type ConfusionMatrixOptions,
  type ResolvedConfusionMatrixOptions,
} from './confusionMatrixOptions.js';

/** The epoch whose matrix is `plots/confusion_matrix.*`, with its monitored score. */
interface BestEpoch {
  readonly epoch: number;
  readonly score: number;
}

/** `epoch_007` for epoch 7 (0-based, as metrics.csv counts epochs). */
export function epochFileStem(epoch: number): string {
  return `epoch_${String(epoch).padStart(3, '0')}`;
}

/**
 * Writes the validation confusion matrix of every validated epoch: `confusion_matrix/epoch_NNN.csv` (counts, rows
 * true, columns predicted, in the run's class order), `plots/confusion_matrix/epoch_NNN.{svg,png}`, and
 * `plots/confusion_matrix.{svg,png}`, the best epoch's by `monitor`. Files are named by epoch, so a resumed run
 * rewrites an epoch it repeats instead of adding one. Plots render in the background; a failure is a warning.
 */
export class ConfusionMatrixCallback implements Callback {
  readonly name = 'confusion_matrix';
  /** Before model_checkpoint: an epoch's CSV is on disk before any checkpoint says that epoch was validated. */
  readonly order = 'pre';
  readonly failure = 'warn';
  readonly options: ResolvedConfusionMatrixOptions;
  #charts: ChartWriter | undefined;
  #best: BestEpoch | undefined;
  /** The matrix of the latest validation, until its epoch ends. */
  #latest: { readonly epoch: number; readonly matrix: ConfusionCounts } | undefined;
  #missingMonitorReported = false;

  constructor(options: Readonly<ConfusionMatrixOptions> = {}) {
    this.options = { ...CONFUSION_MATRIX_DEFAULTS, ...options };
    if (!isMonitorMode(this.options.mode)) {
      throw new ClsError(
        'CONFIG_INVALID',
        `callbacks.confusion_matrix.mode must be "max" or "min", got "${String(this.options.mode)}"`,
      );
    }
  }

  /** The best epoch so far and its monitored score. */
  get best(): Readonly<BestEpoch> | undefined {
    return this.#best;
  }

  onFitStart(context: TrainerContext): void {
    this.#charts = new ChartWriter({ logger: context.logger });
    this.#latest = undefined;
  }

  async onValidationEnd(context: TrainerContext): Promise<void> {
    this.#charts?.throwIfFailed();
    const predictions = context.validationPredictions;
    if (context.stage !== 'fit' || predictions?.epoch !== context.epoch) return;
    const matrix = confusionCounts(predictions, context.classes);
    await writeFileAtomic(this.#csvPath(context, context.epoch), confusionMatrixToCsv(matrix));
    this.#latest = { epoch: context.epoch, matrix };
    this.#drawEpoch(context, context.epoch, matrix);
  }

  async onTrainEpochEnd(context: TrainerContext): Promise<void> {
    this.#charts?.throwIfFailed();
    if (context.stage !== 'fit') return;
    const { epoch } = context;
    // A run resumed after this epoch's validation has its CSV on disk but saw no validation hook.
    const validated = this.#latest?.epoch === epoch || (await exists(this.#csvPath(context, epoch)));
    this.#latest = undefined;
    if (!validated) return;
    const score = context.metrics[this.options.monitor];
    if (score === undefined && !this.#missingMonitorReported) {
      this.#missingMonitorReported = true;
      const available = Object.keys(context.metrics).join(', ');
      context.logger.warn(
        `confusion_matrix: monitor "${this.options.monitor}" was not logged (available: ${available}); ` +
          'plots/confusion_matrix shows the latest epoch',
      );
    }
    const better =
      this.#best === undefined || score === undefined || isBetter(score, this.#best.score, this.options.mode);
    if (!better) return;
    this.#best = { epoch, score: score ?? NaN };
    if (!this.options.plots) return;
    const epochPlot = this.#plotBase(context, epoch);
    if (!(await exists(`${epochPlot}.png`)) && this.#charts?.pending === 0) {
      // Resumed: the epoch's plot was not drawn before the interruption; draw it from its CSV.
      const matrix = confusionMatrixFromCsv(await readFile(this.#csvPath(context, epoch), 'utf8'));
      this.#drawEpoch(context, epoch, matrix);
    }
    this.#charts?.copy(epochPlot, join(context.runDir, 'plots', 'confusion_matrix'));
  }

  async onFitEnd(): Promise<void> {
    await this.#charts?.flush();
  }

  stateDict(): ModuleState {
    return {
      json: {
        best_epoch: this.#best?.epoch ?? null,
        best_score: this.#best === undefined || Number.isNaN(this.#best.score) ? null : this.#best.score,
      },
    };
  }

  loadStateDict(state: ModuleState): void {
    const json = state.json as { best_epoch?: number | null; best_score?: number | null } | null;
    const epoch = json?.best_epoch;
    this.#best =
      typeof epoch === 'number'
        ? { epoch, score: typeof json?.best_score === 'number' ? json.best_score : NaN }
        : undefined;
  }

  #drawEpoch(context: TrainerContext, epoch: number, matrix: ConfusionCounts): void {
    if (!this.options.plots) return;
    const spec = confusionMatrixChart(matrix, { epoch, topPairs: this.options.top_pairs });
    this.#charts?.write(spec, this.#plotBase(context, epoch));
  }

  #csvPath(context: TrainerContext, epoch: number): string {
    return join(context.runDir, 'confusion_matrix', `${epochFileStem(epoch)}.csv`);
  }

  #plotBase(context: TrainerContext, epoch: number): string {
    return join(context.runDir, 'plots', 'confusion_matrix', epochFileStem(epoch));
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
