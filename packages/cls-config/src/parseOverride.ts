import { ClsError } from '@nextplay/cls-core';
import type { ConfigMap } from './configTree.js';
import { callOverrideFunction } from './overrideFunctions.js';
import { ChoiceSweep, isSweep, type Sweep } from './sweep.js';

/** `key=v` changes, `+key=v` adds, `++key=v` adds or changes, `~key` / `~key=v` deletes. */
export type OverrideType = 'change' | 'add' | 'force_add' | 'delete';

/** One command-line override, Hydra syntax. */
export interface Override {
  readonly type: OverrideType;
  /** `trainer.max_epochs`, or a config group such as `model` or `hydra/launcher`. */
  readonly key: string;
  /** The `@package` of a group override (`db@backup=mysql`), if any. */
  readonly package?: string;
  /** The typed value; `undefined` for a delete without a value (`~key`) and for a sweep. */
  readonly value: unknown;
  readonly hasValue: boolean;
  /** Set when the value is a multirun sweep (`a=1,2`, `range(1,4)`, `glob(*)`, ...). */
  readonly sweep?: Sweep;
  /** The override as typed; this is what `.hydra/overrides.yaml` records. */
  readonly input: string;
  /** The project config file whose defaults list it came from; absent for the command line. */
  readonly file?: string;
}

const KEY = /^[\w$-]+(?:[./][\w$-]+)*$/;
const PACKAGE = /^[\w$-]+(?:\.[\w$-]+)*$/;
const INT = /^[+-]?(?:0|[1-9](?:_?\d)*)$/;
const FLOAT =
  /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*(?:[eE][+-]?\d+)?|\d(?:_?\d)*\.(?:[eE][+-]?\d+)?|\d(?:_?\d)*[eE][+-]?\d+)$/;
const SPECIAL_FLOAT = /^([+-]?)(inf|nan)$/i;
/** Characters a backslash makes literal inside an unquoted value (`a=x\,y` is the string `x,y`). */
const ESCAPABLE = new Set(['\\', ',', '[', ']', '{', '}', '(', ')', ':', '=', ' ', "'", '"']);

/** Parses one Hydra override such as `trainer.max_epochs=3`, `+a.b=[1,2]`, `~callbacks.early_stopping`. */
export function parseOverride(input: string): Override {
  const text = input.trim();
  const [type, body] = text.startsWith('~')
    ? (['delete', text.slice(1)] as const)
    : text.startsWith('++')
      ? (['force_add', text.slice(2)] as const)
      : text.startsWith('+')
        ? (['add', text.slice(1)] as const)
        : (['change', text] as const);
  const equals = body.indexOf('=');
  const rawKey = (equals === -1 ? body : body.slice(0, equals)).trim();
  if (equals === -1 && type !== 'delete') {
    throw invalid(input, 'expected key=value, +key=value, ++key=value or ~key');
  }
  const at = rawKey.indexOf('@');
  const key = at === -1 ? rawKey : rawKey.slice(0, at);
  const packageName = at === -1 ? undefined : rawKey.slice(at + 1);
  if (!KEY.test(key) || (packageName !== undefined && !PACKAGE.test(packageName))) {
    throw invalid(
      input,
      `"${rawKey}" is not a valid key (expected a dotted path such as trainer.max_epochs)`,
    );
  }
  const common = { type, key, input, ...(packageName === undefined ? {} : { package: packageName }) };
  if (equals === -1) return { ...common, value: undefined, hasValue: false };
  const value = new ValueParser(input, body.slice(equals + 1)).parseTop();
  if (!isSweep(value)) return { ...common, value, hasValue: true };
  if (type === 'delete') throw invalid(input, 'a delete cannot sweep over several values');
  return { ...common, value: undefined, hasValue: true, sweep: value };
}

/** Parses a value with the override grammar (what `${oc.decode:...}` does); errors name `label`. */
export function parseOverrideValue(text: string, label: string): unknown {
  const value = new ValueParser(label, text).parseTop();
  if (isSweep(value)) throw invalid(label, 'a sweep (several values) only works as a command-line override');
  return value;
}

function invalid(input: string, problem: string): ClsError {
  return new ClsError('OVERRIDE_INVALID', `${input}: ${problem}`);
}

/** Converts an unquoted value the way Hydra types it: int, float, bool, null, otherwise string. */
function typePrimitive(text: string): unknown {
  if (text.includes('${')) return text;
  if (/^null$/i.test(text)) return null;
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  if (INT.test(text) || FLOAT.test(text)) return Number(text.replaceAll('_', ''));
  const special = SPECIAL_FLOAT.exec(text);
  if (special !== null) {
    if (special[2]?.toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return text;
}

/** Recursive-descent parser for override values: primitives, quoted strings, `[lists]` and `{dicts}`. */
class ValueParser {
  #pos = 0;
  readonly #input: string;
  readonly #text: string;

  constructor(input: string, text: string) {
    this.#input = input;
    this.#text = text;
  }

  /** `value`, or the comma-separated `a,b,c` of a simple choice sweep. */
  parseTop(): unknown {
    this.#skipSpace();
    if (this.#atEnd()) return '';
    const items = [this.#parseElement(',')];
    this.#skipSpace();
    while (this.#peek() === ',') {
      this.#pos++;
      this.#skipSpace();
      items.push(this.#parseElement(','));
      this.#skipSpace();
    }
    if (!this.#atEnd()) throw this.#error(`unexpected "${this.#peek()}"`);
    const [first] = items;
    if (items.length === 1) return first;
    if (items.some(isSweep)) throw this.#error('a sweep cannot be one item of a comma-separated list');
    return new ChoiceSweep(items, true);
  }

  #parseElement(stops: string): unknown {
    const char = this.#peek();
    if (char === '[') return this.#parseList();
    if (char === '{') return this.#parseDict();
    if (char === "'" || char === '"') return this.#parseQuoted(char);
    const call = /^([A-Za-z_]\w*)\(/.exec(this.#text.slice(this.#pos));
    if (call !== null) return this.#parseCall(call[1] ?? '');
    const { text, escaped } = this.#scanPrimitive(stops);
    if (text === '') throw this.#error('missing value');
    return escaped ? text : typePrimitive(text);
  }

  /** `name(a, b, key=value)`: Hydra's functions (sweeps, sort, shuffle, casts). */
  #parseCall(name: string): unknown {
    this.#pos += name.length + 1;
    const positional: unknown[] = [];
    const named = new Map<string, unknown>();
    this.#skipSpace();
    if (this.#peek() === ')') {
      this.#pos++;
      return callOverrideFunction(name, { positional, named }, this.#input);
    }
    for (;;) {
      this.#skipSpace();
      const keyword = /^([A-Za-z_]\w*)\s*=/.exec(this.#text.slice(this.#pos));
      if (keyword !== null) {
        const key = keyword[1] ?? '';
        if (named.has(key)) throw this.#error(`${name}(...): ${key} is given twice`);
        this.#pos += keyword[0].length;
        this.#skipSpace();
        named.set(key, this.#parseElement(',)'));
      } else {
        if (named.size > 0) throw this.#error(`${name}(...): a positional argument follows a named one`);
        positional.push(this.#parseElement(',)'));
      }
      this.#skipSpace();
      const char = this.#take();
      if (char === ')') return callOverrideFunction(name, { positional, named }, this.#input);
      if (char !== ',') {
        throw this.#error(
          char === undefined ? `missing ")" of ${name}(` : `expected "," or ")", got "${char}"`,
        );
      }
    }
  }

  #parseList(): unknown[] {
    this.#pos++;
    const items: unknown[] = [];
    this.#skipSpace();
    if (this.#peek() === ']') {
      this.#pos++;
      return items;
    }
    for (;;) {
      this.#skipSpace();
      items.push(this.#nested(this.#parseElement(',]')));
      this.#skipSpace();
      const char = this.#take();
      if (char === ']') return items;
      if (char !== ',')
        throw this.#error(char === undefined ? 'missing "]"' : `expected "," or "]", got "${char}"`);
    }
  }

  #parseDict(): ConfigMap {
    this.#pos++;
    const dict: ConfigMap = {};
    this.#skipSpace();
    if (this.#peek() === '}') {
      this.#pos++;
      return dict;
    }
    for (;;) {
      this.#skipSpace();
      const quote = this.#peek();
      const key = quote === "'" || quote === '"' ? this.#parseQuoted(quote) : this.#scanPrimitive(':,}').text;
      this.#skipSpace();
      if (key === '' || this.#take() !== ':') throw this.#error('expected "key: value" inside {...}');
      this.#skipSpace();
      dict[key] = this.#nested(this.#parseElement(',}'));
      this.#skipSpace();
      const char = this.#take();
      if (char === '}') return dict;
      if (char !== ',')
        throw this.#error(char === undefined ? 'missing "}"' : `expected "," or "}", got "${char}"`);
    }
  }

  #parseQuoted(quote: string): string {
    this.#pos++;
    let result = '';
    for (;;) {
      const char = this.#take();
      if (char === undefined) throw this.#error(`unterminated ${quote}quoted${quote} string`);
      if (char === quote) return result;
      const next = this.#peek();
      if (char === '\\' && (next === quote || next === '\\')) {
        result += next;
        this.#pos++;
      } else {
        result += char;
      }
    }
  }

  /** Reads up to an unescaped stop character outside `${...}`; trims surrounding whitespace. */
  #scanPrimitive(stops: string): { text: string; escaped: boolean } {
    let text = '';
    let escaped = false;
    let depth = 0;
    while (!this.#atEnd()) {
      const char = this.#peek() ?? '';
      if (depth === 0 && stops.includes(char)) break;
      this.#pos++;
      if (char === '\\' && this.#peek() !== undefined && ESCAPABLE.has(this.#peek() ?? '')) {
        text += this.#take() ?? '';
        escaped = true;
        continue;
      }
      if (char === '$' && this.#peek() === '{') {
        depth++;
        text += '${';
        this.#pos++;
        continue;
      }
      if (char === '}' && depth > 0) depth--;
      text += char;
    }
    if (depth > 0) throw this.#error('unterminated ${...} interpolation');
    return { text: text.trim(), escaped };
  }

  #nested(value: unknown): unknown {
    if (isSweep(value)) throw this.#error('a sweep cannot be nested inside a list or a dict');
    return value;
  }

  #skipSpace(): void {
    while (this.#peek() === ' ' || this.#peek() === '\t') this.#pos++;
  }

  #peek(): string | undefined {
    return this.#text[this.#pos];
  }

  #take(): string | undefined {
    const char = this.#text[this.#pos];
    this.#pos++;
    return char;
  }

  #atEnd(): boolean {
    return this.#pos >= this.#text.length;
  }

  #error(problem: string): ClsError {
    return invalid(this.#input, `${problem} in value "${this.#text}"`);
  }
}
