import { describe, expect, it } from 'vitest';
import {
  ChoiceSweep,
  GlobSweep,
  IntervalSweep,
  parseOverride,
  RangeSweep,
  type Sweep,
} from '../src/index.js';
import { errorOf } from './helpers.js';

/** The values a sweep stands for, and whether it was the `a,b` form. */
function sweepOf(input: string): { kind: string; values?: unknown[]; simple?: boolean } {
  const { sweep } = parseOverride(input);
  if (sweep === undefined) throw new Error(`${input} is not a sweep`);
  return describeSweep(sweep);
}

function describeSweep(sweep: Sweep): { kind: string; values?: unknown[]; simple?: boolean } {
  if (sweep instanceof ChoiceSweep)
    return { kind: 'choice', values: [...sweep.values], simple: sweep.simple };
  if (sweep instanceof RangeSweep) return { kind: 'range', values: sweep.values() };
  return { kind: sweep.kind };
}

/** Table-driven, as Hydra's own test_overrides_parser.py: input → what it means. */
describe('override grammar: sweeps', () => {
  it.each([
    ['a=1,2,3', [1, 2, 3]],
    ['a=x, y', ['x', 'y']],
    ["a='a,b',c", ['a,b', 'c']],
    ['a="1",2', ['1', 2]],
    ['a=[1,2],[3]', [[1, 2], [3]]],
    ['a={x:1},{x:2}', [{ x: 1 }, { x: 2 }]],
    ['a=null,true,1.5', [null, true, 1.5]],
    ['a=${x},${y}', ['${x}', '${y}']],
    ['a=x\\,y,z', ['x,y', 'z']],
    ['a=,x', undefined],
  ])('simple choice sweep %s', (input, values) => {
    if (values === undefined) {
      expect(errorOf(() => parseOverride(input)).message).toContain('missing value');
      return;
    }
    expect(sweepOf(input)).toEqual({ kind: 'choice', values, simple: true });
  });

  it.each([
    ['a=choice(a,b)', ['a', 'b']],
    ['a=choice(1)', [1]],
    ['a=choice([1,2],{b:1})', [[1, 2], { b: 1 }]],
    ['a=choice( x , "y z" )', ['x', 'y z']],
    ['a=sort(1,3,2)', [1, 2, 3]],
    ['a=sort(1,3,2,reverse=true)', [3, 2, 1]],
    ['a=sort(choice(b,c,a))', ['a', 'b', 'c']],
    ['a=sort(sweep=choice(1,3,2))', [1, 2, 3]],
    ['a=sort(range(1,4),reverse=true)', [3, 2, 1]],
    ['a=str(1,2)', ['1', '2']],
    ['a=str(choice(0,1))', ['0', '1']],
    ['a=bool(choice(0,1))', [false, true]],
    ['a=float(choice(1,2))', [1, 2]],
  ])('choice sweep %s', (input, values) => {
    expect(sweepOf(input)).toMatchObject({ kind: 'choice', values });
  });

  it.each([
    ['a=range(1,5)', [1, 2, 3, 4]],
    ['a=range(0,5,2)', [0, 2, 4]],
    ['a=range(0,10,3.3)', [0, 3.3, 6.6, 9.9]],
    ['a=range(0,1,0.25)', [0, 0.25, 0.5, 0.75]],
    ['a=range(0.1,0.4,0.1)', [0.1, 0.2, 0.3]],
    ['a=range(5,0,-2)', [5, 3, 1]],
    ['a=range(start=1,stop=3)', [1, 2]],
    ['a=range(1,stop=3,step=1)', [1, 2]],
    ['a=range(3,1)', []],
    ['a=int(range(1.0,3.0))', [1, 2]],
    ['a=float(range(1,3))', [1, 2]],
  ])('range sweep %s', (input, values) => {
    expect(sweepOf(input)).toEqual({ kind: 'range', values });
  });

  it.each([
    ['schema=glob(*)', ['*'], []],
    ['schema=glob(*,exclude=support)', ['*'], ['support']],
    ['schema=glob([s*,w*],exclude=school)', ['s*', 'w*'], ['school']],
    ['schema=glob(include=[a*],exclude=[b*,c?])', ['a*'], ['b*', 'c?']],
  ])('glob %s', (input, include, exclude) => {
    const { sweep } = parseOverride(input);
    expect(sweep).toBeInstanceOf(GlobSweep);
    expect(sweep).toMatchObject({ include, exclude });
    expect((sweep as GlobSweep).filter(['school', 'support', 'warehouse', 'alpha', 'beta', 'cx'])).toEqual(
      input === 'schema=glob(*)'
        ? ['school', 'support', 'warehouse', 'alpha', 'beta', 'cx']
        : input.includes('[s*,w*]')
          ? ['support', 'warehouse']
          : input.includes('include=')
            ? ['alpha']
            : ['school', 'warehouse', 'alpha', 'beta', 'cx'],
    );
  });

  it('reads interval and tag', () => {
    expect(parseOverride('a=interval(1,5)').sweep).toEqual(new IntervalSweep(1, 5));
    expect(parseOverride('a=tag(log,interval(0,1))').sweep).toEqual(new IntervalSweep(0, 1));
    expect(sweepOf('a=tag(foo,sweep=choice(1,2))')).toMatchObject({ values: [1, 2] });
  });

  it('shuffles reproducibly, keeping every value', () => {
    const first = sweepOf('a=shuffle(1,2,3,4,5,6,7,8)').values;
    expect(sweepOf('a=shuffle(1,2,3,4,5,6,7,8)').values).toEqual(first);
    expect([...(first ?? [])].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const seeded = (seed: number) => sweepOf(`a=shuffle(range(0,20),seed=${seed})`).values;
    expect(seeded(1)).toEqual(seeded(1));
    expect(seeded(1)).not.toEqual(seeded(2));
    const list = parseOverride('a=shuffle([a,b,c])').value as string[];
    expect([...list].sort()).toEqual(['a', 'b', 'c']);
    expect(parseOverride('a=shuffle(list=[a,b,c])').sweep).toBeUndefined();
  });
});

describe('override grammar: functions that give a value', () => {
  it.each([
    ['a=int(3.14)', 3],
    ['a=int(-3.14)', -3],
    ['a=int(value=3.14)', 3],
    ['a=int(true)', 1],
    ['a=int("10")', 10],
    ['a=float(10)', 10],
    ['a=float("10.5")', 10.5],
    ['a=float(false)', 0],
    ['a=float(inf)', Number.POSITIVE_INFINITY],
    ['a=str(10)', '10'],
    ['a=str(true)', 'true'],
    ['a=str(1e-3)', '0.001'],
    ['a=str(inf)', 'inf'],
    ['a=bool(1)', true],
    ['a=bool(0)', false],
    ['a=bool("False")', false],
    ['a=bool(TRUE)', true],
    ['a=str([1,2,3])', ['1', '2', '3']],
    ['a=str({a:10})', { a: '10' }],
    ['a=bool([0,1,2])', [false, true, true]],
    ['a=float([1,[2]])', [1, [2]]],
    ['a=int([])', []],
    ['a=sort([3,1,2])', [1, 2, 3]],
    ['a=sort(list=[1,3,2],reverse=true)', [3, 2, 1]],
    ['a=sort([b,a])', ['a', 'b']],
    ['a=sort(1)', 1],
    ['a=str(sort([3,1]))', ['1', '3']],
    ["a=str('x')", 'x'],
  ])('%s', (input, value) => {
    const override = parseOverride(input);
    expect(override.sweep).toBeUndefined();
    expect(override.value).toEqual(value);
  });

  it.each([
    ['a=\\(x\\)', '(x)'],
    ['a=foo\\(1\\)', 'foo(1)'],
    ["a='choice(1,2)'", 'choice(1,2)'],
    ['a=x\\ y', 'x y'],
    ['a=', ''],
    ['a=x=y', 'x=y'],
  ])('escapes and quotes keep %s a plain value', (input, value) => {
    expect(parseOverride(input)).toMatchObject({ value, hasValue: true });
    expect(parseOverride(input).sweep).toBeUndefined();
  });
});

describe('override grammar: errors name the override and the problem', () => {
  it.each([
    ['a=choice()', 'a=choice(): choice(...): needs at least one value'],
    ['a=range(1)', 'a=range(1): range(...): missing argument stop'],
    ['a=range(1,5,0)', 'a=range(1,5,0): range(...): step must not be 0'],
    ['a=range(x,5)', 'a=range(x,5): range(...): start must be a number (got "x")'],
    ['a=range(1,2,3,4)', 'a=range(1,2,3,4): range(...): takes at most 3 arguments (start, stop, step)'],
    [
      'a=range(1,5,size=2)',
      'a=range(1,5,size=2): range(...): unknown argument size (expected start, stop, step)',
    ],
    [
      'a=range(start=1,2)',
      'a=range(start=1,2): range(...): a positional argument follows a named one in value "range(start=1,2)"',
    ],
    ['a=int(abc)', 'a=int(abc): int(...): cannot cast "abc" to int'],
    ['a=int(inf)', 'a=int(inf): int(...): cannot cast Infinity to int'],
    ['a=int("10.0")', 'a=int("10.0"): int(...): cannot cast "10.0" to int'],
    ['a=bool(foo)', 'a=bool(foo): bool(...): cannot cast "foo" to bool'],
    ['a=float("")', 'a=float(""): float(...): cannot cast "" to float'],
    ['a=str(range(1,3))', 'a=str(range(1,3)): str(...): cannot cast a range to str'],
    ['a=int(interval(0,1))', 'a=int(interval(0,1)): int(...): cannot cast a interval sweep'],
    ['a=sort(1,a)', 'a=sort(1,a): sort(...): can only sort numbers or strings, not a mix ([1,"a"])'],
    ['a=sort(glob(*))', 'a=sort(glob(*)): sort(...): cannot reorder a glob sweep'],
    ['a=shuffle(1,2,reverse=true)', 'a=shuffle(1,2,reverse=true): shuffle(...): unknown argument reverse'],
    ['a=glob(1)', 'a=glob(1): glob(...): include must be a glob pattern or a list of them (got 1)'],
    ['a=choice(1,2', 'a=choice(1,2: missing ")" of choice( in value "choice(1,2"'],
    [
      'a=foo(1)',
      'a=foo(1): unknown function foo(...) (known: choice, range, interval, glob, sort, shuffle, tag, int, float, str, bool); quote the value to pass it as a string',
    ],
    [
      'a=1,choice(2,3)',
      'a=1,choice(2,3): a sweep cannot be one item of a comma-separated list in value "1,choice(2,3)"',
    ],
    [
      'a=[choice(1,2)]',
      'a=[choice(1,2)]: a sweep cannot be nested inside a list or a dict in value "[choice(1,2)]"',
    ],
    ['a=choice(choice(1))', 'a=choice(choice(1)): choice(...): a sweep cannot be one of its values'],
    ['~a=1,2', '~a=1,2: a delete cannot sweep over several values'],
    ['a=1,', 'a=1,: missing value in value "1,"'],
    ['a=tag(log)', 'a=tag(log): tag(...): expects tags followed by a sweep, e.g. tag(log,interval(0,1))'],
  ])('%s', (input, message) => {
    expect(errorOf(() => parseOverride(input))).toEqual({ code: 'OVERRIDE_INVALID', message });
  });
});
