import { metricsRow, isRecord } from '../runData.js';
import { SECTION_ORDER, type ReportBlock, type ReportCell, type ReportSection } from '../reportSection.js';
import type { SectionInput } from './sectionInput.js';

const SPLIT_RANK = ['test/', 'val/', 'val_ema/', 'train/'];

function rank(metric: string): number {
  const index = SPLIT_RANK.findIndex((prefix) => metric.startsWith(prefix));
  return index === -1 ? SPLIT_RANK.length : index;
}

/** Test metrics first, then validation, EMA validation, training and the rest, each alphabetical. */
export function sortMetricNames(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The run's final metrics: `results.json` once the run has ended, else the trainer's latest (while the report
 * callback runs), else the last row of `metrics.csv`. Per-class test metrics follow as their own table.
 */
export function metricsSection({ run, live }: SectionInput): ReportSection | undefined {
  let metrics: Record<string, number>;
  let title: string;
  let source: string;
  if (run.results !== undefined) {
    metrics = {};
    for (const [key, value] of Object.entries(run.results)) {
      if ((key.includes('/') || key === 'best_model_score') && typeof value === 'number')
        metrics[key] = value;
    }
    [title, source] = ['Final metrics', 'results.json'];
  } else if (live !== undefined && Object.keys(live.metrics).length > 0) {
    metrics = { ...live.metrics };
    title = live.status === 'finished' ? 'Final metrics' : 'Latest metrics';
    source = live.status === 'finished' ? 'the trainer, at the end of the test' : 'the trainer, this epoch';
  } else {
    const csv = run.metricsCsv;
    const last = csv?.rows.at(-1);
    if (csv === undefined || last === undefined) return undefined;
    metrics = metricsRow(csv, last);
    [title, source] = ['Last epoch metrics', 'the last row of metrics.csv'];
  }
  const blocks: ReportBlock[] = [
    {
      kind: 'table',
      table: {
        columns: ['metric', 'value'],
        rows: sortMetricNames(Object.keys(metrics)).map((name) => [name, metrics[name] ?? null]),
      },
    },
  ];
  for (const [key, value] of Object.entries(run.results ?? {})) {
    if (key.endsWith('/per_class') && isRecord(value)) blocks.push(perClassTable(key, value));
  }
  return { id: 'metrics', title, order: SECTION_ORDER.metrics, description: `From ${source}.`, blocks };
}

function perClassTable(key: string, perClass: Record<string, unknown>): ReportBlock {
  const columns: string[] = [];
  for (const value of Object.values(perClass)) {
    if (!isRecord(value)) continue;
    for (const column of Object.keys(value)) if (!columns.includes(column)) columns.push(column);
  }
  const rows = Object.entries(perClass).map(([name, value]): ReportCell[] => [
    name,
    ...columns.map((column) => {
      const cell = isRecord(value) ? value[column] : undefined;
      return typeof cell === 'number' || typeof cell === 'string' ? cell : null;
    }),
  ]);
  return { kind: 'table', table: { caption: key, columns: ['class', ...columns], rows } };
}
