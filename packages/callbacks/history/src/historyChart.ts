import type { ChartSpec } from '@nextplay/cls-charts';
import type { EpochHistory, HistoryMetric } from './epochHistory.js';
import { learningRateAxisFormat } from './learningRateAxisFormat.js';

interface Panel {
  readonly title: string;
  readonly metrics: readonly HistoryMetric[];
  readonly scale: 'linear' | 'log';
  readonly format?: string;
  readonly tickCount?: number;
}

/** Ticks on the learning-rate axis: its label format has the digits to tell this many apart. */
const LEARNING_RATE_TICKS = 5;

/** Training curves: loss, accuracy and learning rate by epoch, one panel each, a line per logged metric. */
export function historyChart(
  history: EpochHistory,
  options: { readonly lossScale: 'linear' | 'log' },
): ChartSpec {
  const epochs = history.entries();
  const learningRates = epochs.flatMap(([, metrics]) => (metrics.lr === undefined ? [] : [metrics.lr]));
  const panels: Panel[] = [
    { title: 'loss', metrics: ['train/loss', 'val/loss', 'val_ema/loss'], scale: options.lossScale },
    { title: 'accuracy', metrics: ['train/acc', 'val/acc', 'val_ema/acc'], scale: 'linear', format: '.0%' },
    {
      title: 'learning rate',
      metrics: ['lr'],
      scale: 'linear',
      format: learningRateAxisFormat(learningRates, LEARNING_RATE_TICKS),
      tickCount: LEARNING_RATE_TICKS,
    },
  ];
  const view = (panel: Panel) => {
    const values = epochs.flatMap(([epoch, metrics]) =>
      panel.metrics.flatMap((metric) => {
        const value = metrics[metric];
        return value === undefined || (panel.scale === 'log' && value <= 0) ? [] : [{ epoch, metric, value }];
      }),
    );
    return {
      title: panel.title,
      width: 560,
      height: 180,
      data: { values },
      mark: { type: 'line' as const, point: true },
      encoding: {
        x: {
          field: 'epoch',
          type: 'quantitative' as const,
          title: 'epoch',
          axis: { tickMinStep: 1, format: 'd' },
        },
        y: {
          field: 'value',
          type: 'quantitative' as const,
          title: panel.title,
          scale: { type: panel.scale, zero: false },
          axis: {
            ...(panel.format === undefined ? {} : { format: panel.format }),
            ...(panel.tickCount === undefined ? {} : { tickCount: panel.tickCount }),
          },
        },
        color: { field: 'metric', type: 'nominal' as const, sort: [...panel.metrics], title: null },
      },
    };
  };
  const shown = panels.filter((panel) =>
    epochs.some(([, metrics]) => panel.metrics.some((metric) => metrics[metric] !== undefined)),
  );
  return {
    title: `Training history (${epochs.length} epoch${epochs.length === 1 ? '' : 's'})`,
    vconcat: shown.map(view),
    resolve: { scale: { color: 'independent' } },
  };
}
