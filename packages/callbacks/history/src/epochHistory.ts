import type { JsonValue } from '@nextplay/cls-core';

/** The metrics plotted, each a series: loss and accuracy of train, val and the EMA's val, and the learning rate. */
export const HISTORY_METRICS = [
  'train/loss',
  'val/loss',
  'val_ema/loss',
  'train/acc',
  'val/acc',
  'val_ema/acc',
  'lr',
] as const;

export type HistoryMetric = (typeof HISTORY_METRICS)[number];

/** One epoch's plotted metrics (only those logged). */
export type EpochMetrics = Readonly<Partial<Record<HistoryMetric, number>>>;

/**
 * The plotted metrics of every finished epoch, keyed by epoch (0-based, as in metrics.csv): recording an epoch
 * again (a resumed run repeating it) replaces it, so none is missing or doubled.
 */
export class EpochHistory {
  readonly #epochs = new Map<number, EpochMetrics>();

  record(epoch: number, metrics: Readonly<Record<string, number>>): void {
    const picked: Partial<Record<HistoryMetric, number>> = {};
    for (const name of HISTORY_METRICS) {
      const value = metrics[name];
      if (value !== undefined && Number.isFinite(value)) picked[name] = value;
    }
    this.#epochs.set(epoch, picked);
  }

  /** Epochs in order. */
  entries(): [number, EpochMetrics][] {
    return [...this.#epochs.entries()].sort((a, b) => a[0] - b[0]);
  }

  toJson(): JsonValue {
    return this.entries().map(([epoch, metrics]) => ({ epoch, ...metrics }));
  }

  static fromJson(json: JsonValue | undefined): EpochHistory {
    const history = new EpochHistory();
    if (!Array.isArray(json)) return history;
    for (const row of json as readonly JsonValue[]) {
      if (row === null || typeof row !== 'object' || Array.isArray(row)) continue;
      const { epoch, ...metrics } = row as Readonly<Record<string, JsonValue>>;
      if (typeof epoch !== 'number') continue;
      const numbers: Record<string, number> = {};
      for (const [name, value] of Object.entries(metrics))
        if (typeof value === 'number') numbers[name] = value;
      history.record(epoch, numbers);
    }
    return history;
  }
}
