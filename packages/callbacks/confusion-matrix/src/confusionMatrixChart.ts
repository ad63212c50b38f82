import type { ChartSpec } from '@nextplay/cls-charts';
import { mostConfusedPairs, type ConfusionCounts } from './confusionCounts.js';

/** The matrix's side in pixels is about this, whatever the number of classes (cells 8 to 40 px). */
const MATRIX_SIDE = 720;
/** Counts are printed in cells at least this wide. */
const MIN_CELL_FOR_COUNTS = 22;

export interface ConfusionMatrixChartOptions {
  /** The 0-based epoch, as in metrics.csv. */
  readonly epoch: number;
  /** Most-confused pairs listed beside the matrix. */
  readonly topPairs: number;
}

/**
 * A confusion matrix as a vega-lite chart readable at 100 classes: cells coloured by the share of the true
 * class (row-normalized, so rare classes show as clearly as common ones), counts printed where cells are wide
 * enough, and the most-confused (true → predicted) pairs listed beside it with their counts.
 */
export function confusionMatrixChart(
  matrix: ConfusionCounts,
  options: ConfusionMatrixChartOptions,
): ChartSpec {
  const n = matrix.classes.length;
  const cell = Math.max(8, Math.min(40, Math.floor(MATRIX_SIDE / n)));
  const labelSize = Math.max(6, Math.min(11, cell - 2));
  const cells: { t: string; p: string; count: number; share: number }[] = [];
  matrix.counts.forEach((row, t) => {
    const support = row.reduce((sum, count) => sum + count, 0);
    row.forEach((count, p) => {
      if (count > 0) {
        cells.push({
          t: matrix.classes[t] ?? String(t),
          p: matrix.classes[p] ?? String(p),
          count,
          share: count / support,
        });
      }
    });
  });
  const accuracy = matrix.total === 0 ? 0 : matrix.correct / matrix.total;
  const axis = (title: string) => ({
    field: title === 'true class' ? 't' : 'p',
    type: 'ordinal' as const,
    sort: null,
    scale: { domain: [...matrix.classes] },
    title,
    axis: { labelFontSize: labelSize, labelAngle: title === 'true class' ? 0 : -90, labelLimit: 120 },
  });
  const heatmap = {
    width: cell * n,
    height: cell * n,
    title: `epoch ${options.epoch}: ${matrix.total} images, accuracy ${(accuracy * 100).toFixed(2)}%`,
    data: { values: cells },
    encoding: { x: axis('predicted class'), y: axis('true class') },
    layer: [
      {
        mark: { type: 'rect' as const },
        encoding: {
          color: {
            field: 'share',
            type: 'quantitative' as const,
            scale: { domain: [0, 1], scheme: 'blues' },
            title: 'share of true class',
          },
        },
      },
      ...(cell >= MIN_CELL_FOR_COUNTS
        ? [
            {
              mark: { type: 'text' as const, fontSize: Math.min(11, Math.floor(cell / 2.4)) },
              encoding: {
                text: { field: 'count', type: 'quantitative' as const },
                color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
              },
            },
          ]
        : []),
    ],
  };
  const pairs = mostConfusedPairs(matrix, options.topPairs);
  const lines =
    pairs.length === 0
      ? [{ rank: 1, line: 'no confusions' }]
      : pairs.map((pair, i) => ({
          rank: i + 1,
          line: `${pair.trueClass} → ${pair.predicted}: ${pair.count} (${(pair.shareOfTrue * 100).toFixed(1)}% of ${pair.trueClass})`,
        }));
  const list = {
    width: 300,
    height: 16 * lines.length,
    title: 'most confused: true → predicted',
    data: { values: lines },
    mark: { type: 'text' as const, align: 'left' as const, x: 0, fontSize: 11 },
    encoding: {
      y: { field: 'rank', type: 'ordinal' as const, axis: null },
      text: { field: 'line', type: 'nominal' as const },
    },
  };
  return {
    title: 'Validation confusion matrix (rows: true class, columns: predicted; colour: share of the row)',
    hconcat: options.topPairs > 0 ? [heatmap, list] : [heatmap],
    config: { view: { stroke: null } },
  };
}
