import type { JsonValue } from './callback.js';

/** A number for JSON state, which has no Infinity or NaN: those become "Infinity", "-Infinity" and "NaN". */
export function numberToJson(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** Reads `numberToJson`'s output back; undefined for anything else. */
export function numberFromJson(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (value === 'NaN') return NaN;
  return undefined;
}
