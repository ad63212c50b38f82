import type { ConfusionCounts } from './confusionCounts.js';

/** The header cell above the class-name column. */
const CORNER = 'true\\predicted';

/** CSV of a confusion matrix: a header row and a first column of class names, rows true, columns predicted. */
export function confusionMatrixToCsv(matrix: ConfusionCounts): string {
  const lines = [[CORNER, ...matrix.classes].map(csvCell).join(',')];
  matrix.counts.forEach((row, t) => {
    lines.push([csvCell(matrix.classes[t] ?? String(t)), ...row.map(String)].join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** Reads back what `confusionMatrixToCsv` wrote. */
export function confusionMatrixFromCsv(text: string): ConfusionCounts {
  const rows = parseCsv(text);
  const header = rows[0];
  if (header === undefined || header.length < 2)
    throw new Error('the confusion matrix CSV has no header row');
  const classes = header.slice(1);
  const counts = rows.slice(1).map((row) => row.slice(1).map(Number));
  if (counts.length !== classes.length || counts.some((row) => row.length !== classes.length)) {
    throw new Error(`the confusion matrix CSV is not ${classes.length}×${classes.length}`);
  }
  let total = 0;
  let correct = 0;
  counts.forEach((row, t) => {
    row.forEach((count, p) => {
      total += count;
      if (p === t) correct += count;
    });
  });
  return { classes, counts, total, correct };
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (char !== '\r') cell += char;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
