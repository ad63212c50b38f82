import { describe, expect, it } from 'vitest';
import { ChoiceSweep, parseOverride } from '../src/index.js';
import { errorOf } from './helpers.js';

describe('parseOverride', () => {
  it.each([
    ['a=3', 3],
    ['a=-3', -3],
    ['a=1_000', 1000],
    ['a=3.0', 3],
    ['a=1e-3', 0.001],
    ['a=.5', 0.5],
    ['a=inf', Number.POSITIVE_INFINITY],
    ['a=-inf', Number.NEGATIVE_INFINITY],
    ['a=true', true],
    ['a=False', false],
    ['a=null', null],
    ['a=hello', 'hello'],
    ['a=32-true', '32-true'],
    ['a=/path/to/data set', '/path/to/data set'],
    ['a=C:\\data', 'C:\\data'],
    ['a=', ''],
    ["a='3'", '3'],
    ['a="x, y"', 'x, y'],
    ["a='it\\'s'", "it's"],
    ['a=x\\,y', 'x,y'],
    ['a=${oc.env:HOME,/tmp}', '${oc.env:HOME,/tmp}'],
    ['a=${paths.root_dir}/data', '${paths.root_dir}/data'],
    ['a=[a,b]', ['a', 'b']],
    ['a=[1, 2.5, null, "c,d"]', [1, 2.5, null, 'c,d']],
    ['a=[]', []],
    ['a={a:1,b:2}', { a: 1, b: 2 }],
    ['a={x: [1, {y: z}], w: {}}', { x: [1, { y: 'z' }], w: {} }],
  ])('types %s like Hydra', (input, expected) => {
    const override = parseOverride(input);
    expect(override.value).toEqual(expected);
    expect(override).toMatchObject({ type: 'change', key: 'a', hasValue: true, input });
  });

  it('reads the prefixes and the package', () => {
    expect(parseOverride('+trainer.foo=1')).toMatchObject({ type: 'add', key: 'trainer.foo', value: 1 });
    expect(parseOverride('++seed=7')).toMatchObject({ type: 'force_add', key: 'seed', value: 7 });
    expect(parseOverride('~callbacks.early_stopping')).toMatchObject({
      type: 'delete',
      key: 'callbacks.early_stopping',
      hasValue: false,
      value: undefined,
    });
    expect(parseOverride('~seed=42')).toMatchObject({
      type: 'delete',
      key: 'seed',
      hasValue: true,
      value: 42,
    });
    expect(parseOverride('db@backup=mysql')).toMatchObject({ key: 'db', package: 'backup', value: 'mysql' });
    expect(parseOverride('hydra/launcher=basic')).toMatchObject({ key: 'hydra/launcher', value: 'basic' });
    expect(parseOverride('model=resnet50').package).toBeUndefined();
  });

  it('marks sweeps instead of typing them as a value', () => {
    const override = parseOverride('trainer.max_epochs=1,2');
    expect(override).toMatchObject({
      type: 'change',
      key: 'trainer.max_epochs',
      hasValue: true,
      value: undefined,
    });
    expect(override.sweep).toBeInstanceOf(ChoiceSweep);
    expect(parseOverride('seed=str(1)')).toMatchObject({ value: '1' });
    expect(parseOverride('seed=str(1)').sweep).toBeUndefined();
  });

  it('rejects malformed overrides', () => {
    expect(errorOf(() => parseOverride('seed')).message).toBe(
      'seed: expected key=value, +key=value, ++key=value or ~key',
    );
    expect(errorOf(() => parseOverride('a..b=1')).message).toBe(
      'a..b=1: "a..b" is not a valid key (expected a dotted path such as trainer.max_epochs)',
    );
    expect(errorOf(() => parseOverride('a=[1,2')).message).toBe('a=[1,2: missing "]" in value "[1,2"');
    expect(errorOf(() => parseOverride("a='open")).code).toBe('OVERRIDE_INVALID');
    expect(errorOf(() => parseOverride('a={b}')).message).toContain('expected "key: value" inside {...}');
  });
});
