import { ClsError, createRandom, shuffleInPlace } from '@nextplay/cls-core';
import { isConfigMap, type ConfigMap } from './configTree.js';
import { formatValue } from './formatValue.js';
import { ChoiceSweep, GlobSweep, IntervalSweep, isSweep, RangeSweep } from './sweep.js';

/** The arguments of a call such as `sort(3,1,2,reverse=true)`. */
export interface FunctionArgs {
  readonly positional: readonly unknown[];
  readonly named: ReadonlyMap<string, unknown>;
}

type OverrideFunction = (args: FunctionArgs, call: CallSite) => unknown;

/** Where a call was written, for messages and for the seed of `shuffle`. */
export interface CallSite {
  readonly name: string;
  /** The whole override as typed. */
  readonly input: string;
}

type Cast = 'int' | 'float' | 'str' | 'bool';

const FUNCTIONS: Readonly<Record<string, OverrideFunction>> = {
  choice: choiceFunction,
  range: rangeFunction,
  interval: intervalFunction,
  glob: globFunction,
  sort: (args, call) => reorder(args, call, 'sort'),
  shuffle: (args, call) => reorder(args, call, 'shuffle'),
  tag: tagFunction,
  int: (args, call) => castFunction(args, call, 'int'),
  float: (args, call) => castFunction(args, call, 'float'),
  str: (args, call) => castFunction(args, call, 'str'),
  bool: (args, call) => castFunction(args, call, 'bool'),
};

export const OVERRIDE_FUNCTION_NAMES: readonly string[] = Object.keys(FUNCTIONS);

/** Calls one of Hydra's override functions; unknown names and bad arguments are `OVERRIDE_INVALID` errors. */
export function callOverrideFunction(name: string, args: FunctionArgs, input: string): unknown {
  const fn = FUNCTIONS[name];
  if (fn === undefined) {
    throw new ClsError(
      'OVERRIDE_INVALID',
      `${input}: unknown function ${name}(...) (known: ${OVERRIDE_FUNCTION_NAMES.join(', ')}); quote the value to pass it as a string`,
    );
  }
  return fn(args, { name, input });
}

function fail(call: CallSite, problem: string): ClsError {
  return new ClsError('OVERRIDE_INVALID', `${call.input}: ${call.name}(...): ${problem}`);
}

/** Binds positional and named arguments to parameter names, Python style. */
function bind(
  args: FunctionArgs,
  call: CallSite,
  params: readonly string[],
  required: number,
): Map<string, unknown> {
  if (args.positional.length > params.length) {
    throw fail(call, `takes at most ${params.length} arguments (${params.join(', ')})`);
  }
  const bound = new Map<string, unknown>();
  for (const [index, value] of args.positional.entries()) bound.set(params[index] ?? '', value);
  for (const [key, value] of args.named) {
    if (!params.includes(key)) throw fail(call, `unknown argument ${key} (expected ${params.join(', ')})`);
    if (bound.has(key)) throw fail(call, `${key} is given twice`);
    bound.set(key, value);
  }
  for (const param of params.slice(0, required)) {
    if (!bound.has(param)) throw fail(call, `missing argument ${param}`);
  }
  return bound;
}

function noSweeps(values: readonly unknown[], call: CallSite): void {
  if (values.some(isSweep)) throw fail(call, 'a sweep cannot be one of its values');
}

function choiceFunction(args: FunctionArgs, call: CallSite): ChoiceSweep {
  if (args.named.size > 0) throw fail(call, 'takes no named arguments');
  if (args.positional.length === 0) throw fail(call, 'needs at least one value');
  noSweeps(args.positional, call);
  return new ChoiceSweep(args.positional);
}

function number(value: unknown, name: string, call: CallSite): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw fail(call, `${name} must be a number (got ${formatValue(value)})`);
  }
  return value;
}

function rangeFunction(args: FunctionArgs, call: CallSite): RangeSweep {
  const bound = bind(args, call, ['start', 'stop', 'step'], 2);
  const step = bound.has('step') ? number(bound.get('step'), 'step', call) : 1;
  if (step === 0) throw fail(call, 'step must not be 0');
  return new RangeSweep(
    number(bound.get('start'), 'start', call),
    number(bound.get('stop'), 'stop', call),
    step,
  );
}

function intervalFunction(args: FunctionArgs, call: CallSite): IntervalSweep {
  const bound = bind(args, call, ['start', 'end'], 2);
  return new IntervalSweep(number(bound.get('start'), 'start', call), number(bound.get('end'), 'end', call));
}

function globFunction(args: FunctionArgs, call: CallSite): GlobSweep {
  const bound = bind(args, call, ['include', 'exclude'], 1);
  const patterns = (name: string): string[] => {
    const value = bound.get(name);
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? value : [value];
    return list.map((item) => {
      if (typeof item !== 'string') {
        throw fail(call, `${name} must be a glob pattern or a list of them (got ${formatValue(item)})`);
      }
      return item;
    });
  };
  return new GlobSweep(patterns('include'), patterns('exclude'));
}

function tagFunction(args: FunctionArgs, call: CallSite): unknown {
  // Tags are metadata for sampling sweepers; the basic sweeper only needs the sweep itself.
  const sweep = args.named.get('sweep') ?? args.positional[args.positional.length - 1];
  if (!isSweep(sweep)) throw fail(call, 'expects tags followed by a sweep, e.g. tag(log,interval(0,1))');
  return sweep;
}

/** `sort`/`shuffle`: a list stays a list, a choice or range becomes a choice, a single value is returned as is. */
function reorder(args: FunctionArgs, call: CallSite, how: 'sort' | 'shuffle'): unknown {
  const named = new Map(args.named);
  const reverse = named.get('reverse') ?? false;
  named.delete('reverse');
  if (typeof reverse !== 'boolean') throw fail(call, `reverse must be true or false`);
  if (how === 'shuffle' && args.named.has('reverse')) throw fail(call, 'unknown argument reverse');
  const seed = named.get('seed');
  named.delete('seed');
  if (how === 'sort' && args.named.has('seed')) throw fail(call, 'unknown argument seed');
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed))) {
    throw fail(call, `seed must be an integer (got ${formatValue(seed)})`);
  }
  const order = (values: readonly unknown[]): unknown[] =>
    how === 'sort'
      ? sortValues(values, call, reverse)
      : shuffleInPlace([...values], createRandom(seed ?? hashText(call.input)));

  const sweepArg = named.get('sweep');
  const listArg = named.get('list');
  named.delete('sweep');
  named.delete('list');
  const [unknown] = named.keys();
  if (unknown !== undefined) throw fail(call, `unknown argument ${unknown}`);
  const given =
    [sweepArg, listArg].filter((value) => value !== undefined).length + (args.positional.length > 0 ? 1 : 0);
  if (given !== 1) throw fail(call, 'expects values, a sweep (sweep=...) or a list (list=...)');

  if (listArg !== undefined) {
    if (!Array.isArray(listArg)) throw fail(call, `list must be a list (got ${formatValue(listArg)})`);
    return order(listArg);
  }
  const input =
    sweepArg ?? (args.positional.length === 1 ? args.positional[0] : new ChoiceSweep(args.positional, true));
  if (input instanceof ChoiceSweep) {
    noSweeps(input.values, call);
    return new ChoiceSweep(order(input.values), input.simple);
  }
  if (input instanceof RangeSweep) return new ChoiceSweep(order(input.values()));
  if (isSweep(input)) throw fail(call, `cannot reorder a ${input.kind} sweep`);
  if (Array.isArray(input)) return order(input);
  return input;
}

function sortValues(values: readonly unknown[], call: CallSite, reverse: boolean): unknown[] {
  const allNumbers = values.every((value) => typeof value === 'number');
  const allStrings = values.every((value) => typeof value === 'string');
  if (!allNumbers && !allStrings) {
    throw fail(call, `can only sort numbers or strings, not a mix (${formatValue(values)})`);
  }
  const sorted = [...values].sort((a, b) =>
    allNumbers ? (a as number) - (b as number) : (a as string) < (b as string) ? -1 : a === b ? 0 : 1,
  );
  return reverse ? sorted.reverse() : sorted;
}

/** A stable 32-bit hash, so `shuffle(...)` without a seed gives the same order for the same command line. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** `int(...)`, `float(...)`, `str(...)`, `bool(...)`: several values are a choice sweep; lists and dicts cast item by item. */
function castFunction(args: FunctionArgs, call: CallSite, cast: Cast): unknown {
  const named = args.named.get('value');
  if ([...args.named.keys()].some((key) => key !== 'value')) {
    throw fail(call, 'takes only a value (value=...)');
  }
  if (named !== undefined && args.positional.length > 0) throw fail(call, 'value is given twice');
  if (named === undefined && args.positional.length === 0) throw fail(call, 'needs a value');
  const value =
    named ?? (args.positional.length === 1 ? args.positional[0] : new ChoiceSweep(args.positional, true));
  return castValue(value, cast, call);
}

function castValue(value: unknown, cast: Cast, call: CallSite): unknown {
  if (value instanceof ChoiceSweep) {
    return new ChoiceSweep(
      value.values.map((item) => castValue(item, cast, call)),
      value.simple,
    );
  }
  if (value instanceof RangeSweep) {
    if (cast !== 'int' && cast !== 'float') throw fail(call, `cannot cast a range to ${cast}`);
    const start = castScalar(value.start, cast, call) as number;
    const stop = castScalar(value.stop, cast, call) as number;
    const step = castScalar(value.step, cast, call) as number;
    if (step === 0) throw fail(call, 'step became 0');
    return new RangeSweep(start, stop, step);
  }
  if (isSweep(value)) throw fail(call, `cannot cast a ${value.kind} sweep`);
  if (Array.isArray(value)) return value.map((item) => castValue(item, cast, call));
  if (isConfigMap(value)) {
    const result: ConfigMap = {};
    for (const [key, item] of Object.entries(value)) result[key] = castValue(item, cast, call);
    return result;
  }
  return castScalar(value, cast, call);
}

const INT_TEXT = /^[+-]?\d(?:_?\d)*$/;
const FLOAT_TEXT = /^[+-]?(?:\d(?:_?\d)*\.?\d*(?:_?\d)*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|nan)$/i;

function castScalar(value: unknown, cast: Cast, call: CallSite): unknown {
  const cannot = (): ClsError => fail(call, `cannot cast ${formatValue(value)} to ${cast}`);
  switch (cast) {
    case 'int':
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw cannot();
        return Math.trunc(value);
      }
      if (typeof value === 'string' && INT_TEXT.test(value.trim()))
        return Number(value.trim().replaceAll('_', ''));
      throw cannot();
    case 'float':
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && FLOAT_TEXT.test(value.trim())) return parseFloatText(value.trim());
      throw cannot();
    case 'str':
      if (typeof value === 'string') return value;
      if (typeof value === 'number') {
        if (Number.isNaN(value)) return 'nan';
        if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
        return String(value);
      }
      if (typeof value === 'boolean' || value === null) return String(value);
      throw cannot();
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw cannot();
  }
}

function parseFloatText(text: string): number {
  const special = /^([+-]?)(inf|nan)$/i.exec(text);
  if (special === null) return Number(text.replaceAll('_', ''));
  if (special[2]?.toLowerCase() === 'nan') return Number.NaN;
  return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}
