import { escapeTerminalText } from '@nextplay/cls-core';
import { predictionCells, predictionColumns, type ImagePrediction } from './predictionsCsv.js';

/** Rows shown on the terminal; the CSV has them all. */
export const SHOWN_PREDICTIONS = 20;

/**
 * The first predictions as an aligned table, a count of the rest, and where the CSV went. Image and class names
 * come from files and checkpoints: their control characters are printed as escapes (`escapeTerminalText`).
 */
export function formatPredictions(
  predictions: readonly ImagePrediction[],
  topK: number,
  csvPath: string,
): string {
  const rows = [
    predictionColumns(topK),
    ...predictions.slice(0, SHOWN_PREDICTIONS).map((p) => predictionCells(p, 4).map(escapeTerminalText)),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const hidden = predictions.length - SHOWN_PREDICTIONS;
  if (hidden > 0) lines.push(`… ${hidden} more row${hidden === 1 ? '' : 's'} in the CSV`);
  const count = `${predictions.length} image${predictions.length === 1 ? '' : 's'}`;
  lines.push(`Predictions for ${count} written to ${escapeTerminalText(csvPath)}`);
  return `${lines.join('\n')}\n`;
}
