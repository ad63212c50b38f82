import { SECTION_ORDER, type ReportCell, type ReportSection } from '../reportSection.js';
import type { SectionInput } from './sectionInput.js';

/** `metrics.csv` as a table: one row per epoch, numbers rounded (exact on hover). */
export function metricsCsvSection({ run }: SectionInput): ReportSection | undefined {
  const csv = run.metricsCsv;
  if (csv === undefined || csv.columns.length === 0) return undefined;
  const cell = (text: string | undefined): ReportCell => {
    if (text === undefined || text.trim() === '') return null;
    const value = Number(text);
    return Number.isFinite(value) ? value : text;
  };
  return {
    id: 'metrics-csv',
    title: 'Metrics per epoch',
    order: SECTION_ORDER.metricsCsv,
    blocks: [
      { kind: 'files', paths: ['metrics.csv'] },
      {
        kind: 'table',
        table: {
          columns: csv.columns,
          rows: csv.rows.map((row) => csv.columns.map((_, index) => cell(row[index]))),
        },
      },
    ],
  };
}
