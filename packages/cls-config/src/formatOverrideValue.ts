import { isConfigMap } from './configTree.js';
import { parseOverride } from './parseOverride.js';

const PLAIN = /^[\w./\-+*%@?|~]+$/;

/**
 * Writes a value back in override syntax, so that `key=<text>` parses to the same value: numbers and booleans
 * bare, strings bare when they would read back as the same string, quoted otherwise (`'3'`, `'a,b'`).
 */
export function formatOverrideValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (typeof value === 'string') return formatString(value);
  if (Array.isArray(value)) return `[${value.map((item) => formatOverrideValue(item)).join(',')}]`;
  if (isConfigMap(value)) {
    const entries = Object.entries(value).map(
      ([key, item]) => `${PLAIN.test(key) ? key : quote(key)}:${formatOverrideValue(item)}`,
    );
    return `{${entries.join(',')}}`;
  }
  // Config trees hold nothing else; `undefined` (a missing value) is closest to null.
  return 'null';
}

function formatString(text: string): string {
  if (PLAIN.test(text) && !/^[A-Za-z_]\w*\(/.test(text) && parseOverride(`x=${text}`).value === text)
    return text;
  return quote(text);
}

function quote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
