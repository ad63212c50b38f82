import { writeFileAtomic } from '@nextplay/cls-core';

const LEADING_COLUMNS = ['epoch', 'step', 'train/loss', 'train/acc', 'val/loss', 'val/acc'];

/**
 * `metrics.csv`, one row per epoch, Lightning CSVLogger style. Columns are the union of every logged metric,
 * fixed columns first, then in first-seen order. The whole file is rewritten after each epoch (new columns may
 * appear), through a temporary file and a rename, so it survives a crash.
 */
export class MetricsCsv {
  readonly #path: string;
  readonly #columns: string[] = [...LEADING_COLUMNS];
  readonly #rows: Readonly<Record<string, number>>[] = [];

  /** `rows`: those of a resumed run's finished epochs; the file is rewritten from them on the next append. */
  constructor(path: string, rows: readonly Readonly<Record<string, number>>[] = []) {
    this.#path = path;
    for (const row of rows) this.#addRow(row);
  }

  async append(row: Readonly<Record<string, number>>): Promise<void> {
    this.#addRow(row);
    const lines = [this.#columns.map(escapeCell).join(',')];
    for (const r of this.#rows) lines.push(this.#columns.map((c) => formatCell(r[c])).join(','));
    await writeFileAtomic(this.#path, `${lines.join('\n')}\n`);
  }

  get rows(): readonly Readonly<Record<string, number>>[] {
    return this.#rows;
  }

  #addRow(row: Readonly<Record<string, number>>): void {
    for (const column of Object.keys(row)) if (!this.#columns.includes(column)) this.#columns.push(column);
    this.#rows.push({ ...row });
  }
}

function formatCell(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}

function escapeCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
