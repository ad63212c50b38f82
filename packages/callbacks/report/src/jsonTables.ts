import { formatJsonValue } from './format.js';
import { isRecord } from './runData.js';
import type { ReportCell, ReportTable } from './reportSection.js';

/** Rows shown of a long list; the caption says how many there are. */
export const MAX_LIST_ROWS = 100;

/** A JSON value as one cell: scalars as they are, lists and maps written out in one line. */
export function jsonCell(value: unknown): ReportCell {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  return formatJsonValue(value);
}

/** `key | value` rows for the entries of a JSON object (`keys` first, in that order, when given). */
export function keyValueTable(
  object: Readonly<Record<string, unknown>>,
  keys?: readonly string[],
): ReportTable {
  const order = keys === undefined ? Object.keys(object) : keys.filter((key) => object[key] !== undefined);
  return { facts: true, columns: ['', 'value'], rows: order.map((key) => [key, jsonCell(object[key])]) };
}

/** A list of JSON objects as a table with a column per key (first rows only, when long). */
export function recordListTable(name: string, list: readonly unknown[]): ReportTable | undefined {
  const records = list.filter(isRecord);
  if (records.length === 0 || records.length !== list.length) return undefined;
  const columns: string[] = [];
  for (const record of records)
    for (const key of Object.keys(record)) if (!columns.includes(key)) columns.push(key);
  const shown = records.slice(0, MAX_LIST_ROWS);
  return {
    caption:
      records.length > shown.length
        ? `${name}: first ${shown.length} of ${records.length}`
        : `${name} (${records.length})`,
    columns,
    rows: shown.map((record) => columns.map((column) => jsonCell(record[column]))),
  };
}
