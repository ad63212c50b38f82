import type { ClassScore } from '@nextplay/cls-engine';

/** One classified image: the name it goes by and its top-k classes, most confident first. */
export interface ImagePrediction {
  readonly name: string;
  readonly scores: readonly ClassScore[];
}

/** `path,class,confidence`, then `class_2,confidence_2`, … up to `topK`. */
export function predictionColumns(topK: number): string[] {
  const columns = ['path', 'class', 'confidence'];
  for (let rank = 2; rank <= topK; rank++) columns.push(`class_${rank}`, `confidence_${rank}`);
  return columns;
}

/** The cells of one row, confidences with `digits` decimals. */
export function predictionCells(prediction: ImagePrediction, digits: number): string[] {
  return [
    prediction.name,
    ...prediction.scores.flatMap((score) => [score.name, score.confidence.toFixed(digits)]),
  ];
}

/**
 * The predictions as RFC 4180 CSV (CRLF line ends, fields with `,` `"` or line breaks quoted). A field that a
 * spreadsheet would run as a formula (one that starts with `=`, `+`, `-`, `@`, a tab or a carriage return, say a
 * class name `=HYPERLINK(…)`) is written as OWASP recommends against CSV injection: quoted, with a `'` in front.
 */
export function predictionsCsv(predictions: readonly ImagePrediction[], topK: number): string {
  const lines = [predictionColumns(topK), ...predictions.map((p) => predictionCells(p, 6))];
  return lines.map((cells) => cells.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(text: string): string {
  const quoted = (field: string) => `"${field.replaceAll('"', '""')}"`;
  if (FORMULA_START.test(text)) return quoted(`'${text}`);
  return /[",\r\n]/.test(text) ? quoted(text) : text;
}
