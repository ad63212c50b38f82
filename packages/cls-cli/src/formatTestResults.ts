import { escapeTerminalText } from '@nextplay/cls-core';
import type { ClassMetrics } from '@nextplay/cls-engine';

/** Lightning's order of the test metrics in its results table. */
const METRICS = ['test/acc', 'test/acc_top5', 'test/loss', 'test/f1_macro'] as const;

/**
 * The tables `cls test` prints, in the style of Lightning's `trainer.test`: the test metrics, then precision,
 * recall, F1 and support of every class, in the order of `classes`. Class names are printed with their control
 * characters as escapes (`escapeTerminalText`): they come from the dataset's folders or the checkpoint.
 */
export function formatTestResults(
  metrics: Readonly<Record<string, number>>,
  perClass: Readonly<Record<string, ClassMetrics>>,
  classes: readonly string[],
): string {
  const metricRows = METRICS.filter((name) => metrics[name] !== undefined).map((name) => [
    name,
    formatMetric(metrics[name] ?? NaN),
  ]);
  // In the dataset's class order (an object lists integer-like keys such as "7" before "00").
  const names = [...classes, ...Object.keys(perClass).filter((name) => !classes.includes(name))];
  const classRows = names.flatMap((name) => {
    const m = perClass[name];
    return m === undefined
      ? []
      : [
          [
            escapeTerminalText(name),
            formatMetric(m.precision),
            formatMetric(m.recall),
            formatMetric(m.f1),
            String(m.support),
          ],
        ];
  });
  return (
    boxTable(['Test metric', 'DataLoader 0'], metricRows, ['center', 'center']) +
    boxTable(['Class', 'Precision', 'Recall', 'F1', 'Support'], classRows, [
      'left',
      'right',
      'right',
      'right',
      'right',
    ])
  );
}

function formatMetric(value: number): string {
  return value.toFixed(4);
}

type Align = 'left' | 'right' | 'center';

/** A table drawn like rich's (heavy header rule, light body), each cell padded by one space. */
function boxTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
): string {
  const widths = header.map(
    (title, c) => Math.max(title.length, ...rows.map((row) => (row[c] ?? '').length)) + 2,
  );
  const rule = (left: string, fill: string, middle: string, right: string) =>
    `${left}${widths.map((w) => fill.repeat(w)).join(middle)}${right}`;
  const line = (cells: readonly string[], edge: string, aligns: readonly Align[]) =>
    `${edge}${cells.map((cell, c) => ` ${pad(cell, (widths[c] ?? 2) - 2, aligns[c] ?? 'left')} `).join(edge)}${edge}`;
  return [
    rule('┏', '━', '┳', '┓'),
    line(
      header,
      '┃',
      header.map(() => 'center'),
    ),
    rule('┡', '━', '╇', '┩'),
    ...rows.map((row) => line(row, '│', align)),
    rule('└', '─', '┴', '┘'),
    '',
  ].join('\n');
}

function pad(text: string, width: number, align: Align): string {
  if (align === 'left') return text.padEnd(width);
  if (align === 'right') return text.padStart(width);
  const left = Math.floor((width - text.length) / 2);
  return (' '.repeat(left) + text).padEnd(width);
}
