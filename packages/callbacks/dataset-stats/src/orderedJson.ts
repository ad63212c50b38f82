/**
 * A JSON object that keeps its keys in the order given. A plain object cannot: JavaScript puts integer-like keys
 * ("0".."99", jersey numbers) first in numeric order, and a key like `__proto__` would not be an own key at all.
 */
export class OrderedJsonObject {
  readonly entries: readonly (readonly [string, OrderedJsonValue])[];

  constructor(entries: readonly (readonly [string, OrderedJsonValue])[]) {
    this.entries = entries;
  }
}

export type OrderedJsonValue =
  | string
  | number
  | boolean
  | null
  | readonly OrderedJsonValue[]
  | OrderedJsonObject
  | { readonly [key: string]: OrderedJsonValue };

/** JSON text of `value` as `JSON.stringify(value, null, 2)` writes it, keys of `OrderedJsonObject`s in order. */
export function stringifyOrderedJson(value: OrderedJsonValue): string {
  return `${write(value, '')}\n`;
}

function write(value: OrderedJsonValue, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + write(item, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = value instanceof OrderedJsonObject ? value.entries : Object.entries(value);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${write(item, inner)}`);
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

function isArray(value: OrderedJsonValue): value is readonly OrderedJsonValue[] {
  return Array.isArray(value);
}
