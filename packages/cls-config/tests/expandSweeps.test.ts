import { describe, expect, it } from 'vitest';
import {
  composeConfig,
  expandSweeps,
  formatOverrideValue,
  hasSweeps,
  listConfigGroups,
  parseOverride,
} from '../src/index.js';
import { CONFIGS, errorOf } from './helpers.js';

const groups = {
  model: ['resnet18', 'resnet50'],
  experiment: ['a_fast', 'a_slow', 'mnist'],
  db: ['mysql', 'pg'],
};

describe('expandSweeps', () => {
  it('runs the cartesian product, the first override varying slowest, as Hydra does', () => {
    expect(expandSweeps(['model=resnet18,resnet50', 'optimizer.lr=1e-3,3e-4', 'seed=1'], groups)).toEqual([
      ['model=resnet18', 'optimizer.lr=0.001', 'seed=1'],
      ['model=resnet18', 'optimizer.lr=0.0003', 'seed=1'],
      ['model=resnet50', 'optimizer.lr=0.001', 'seed=1'],
      ['model=resnet50', 'optimizer.lr=0.0003', 'seed=1'],
    ]);
  });

  it('gives one job with the overrides as typed when nothing sweeps', () => {
    expect(
      expandSweeps(['trainer.max_epochs=3', '+tags=[a,b]', '~callbacks.early_stopping'], groups),
    ).toEqual([['trainer.max_epochs=3', '+tags=[a,b]', '~callbacks.early_stopping']]);
    expect(expandSweeps([], groups)).toEqual([[]]);
  });

  it('expands range, glob, sort and casts, keeping prefixes and packages', () => {
    expect(expandSweeps(['seed=range(1,4)'], groups)).toEqual([['seed=1'], ['seed=2'], ['seed=3']]);
    expect(expandSweeps(['experiment=glob(*)'], groups).flat()).toEqual([
      'experiment=a_fast',
      'experiment=a_slow',
      'experiment=mnist',
    ]);
    expect(expandSweeps(['experiment=glob(a_*,exclude=*slow)'], groups).flat()).toEqual([
      'experiment=a_fast',
    ]);
    expect(expandSweeps(['+x=sort(3,1,2,reverse=true)'], groups).flat()).toEqual(['+x=3', '+x=2', '+x=1']);
    expect(expandSweeps(['++x=str(1,2)'], groups).flat()).toEqual(["++x='1'", "++x='2'"]);
    expect(expandSweeps(['db@backup=glob(*)'], groups).flat()).toEqual(['db@backup=mysql', 'db@backup=pg']);
    expect(expandSweeps(["a='x,y',z", 'b=[1,2],{c:d}'], groups)).toEqual([
      ["a='x,y'", 'b=[1,2]'],
      ["a='x,y'", 'b={c:d}'],
      ['a=z', 'b=[1,2]'],
      ['a=z', 'b={c:d}'],
    ]);
  });

  it('writes job overrides that parse back to the swept values', () => {
    const values: unknown[] = [
      'plain',
      '3',
      'true',
      'null',
      '',
      'a b',
      "it's",
      'x\\y',
      'inf',
      'f(1)',
      '${a.b}',
      1.5,
      -2,
      1e-7,
      0.1,
      true,
      null,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      [1, 'a,b'],
      { 'k v': [null] },
    ];
    for (const value of values) {
      const parsed = parseOverride(`a=${formatOverrideValue(value)}`);
      expect(parsed.sweep, formatOverrideValue(value)).toBeUndefined();
      expect(parsed.value, formatOverrideValue(value)).toEqual(value);
    }
  });

  it('rejects what the basic sweeper cannot run', () => {
    expect(errorOf(() => expandSweeps(['trainer.max_epochs=glob(*)'], groups)).message).toBe(
      'trainer.max_epochs=glob(*): glob(...) selects options of a config group, and trainer.max_epochs is not one',
    );
    expect(errorOf(() => expandSweeps(['model=glob(vit*)'], groups)).message).toBe(
      'model=glob(vit*): glob(...) matches no option of group model (options: resnet18, resnet50)',
    );
    expect(errorOf(() => expandSweeps(['lr=interval(0,1)'], groups)).message).toBe(
      'lr=interval(0,1): interval(...) needs a sampling sweeper; the basic sweeper runs choice, range and glob sweeps',
    );
    expect(errorOf(() => expandSweeps(['seed=range(3,1)'], groups)).message).toBe(
      'seed=range(3,1): the range is empty',
    );
  });

  it('tells sweeps apart and composes each job of the shipped configs', () => {
    expect(hasSweeps(['a=1', 'b=1,2'])).toBe(true);
    expect(hasSweeps(['a=1', "b='1,2'"])).toBe(false);
    const shipped = listConfigGroups([CONFIGS]);
    const jobs = expandSweeps(['experiment=glob(mn*)', 'model=resnet18,resnet50'], shipped);
    expect(jobs).toEqual([
      ['experiment=mnist', 'model=resnet18'],
      ['experiment=mnist', 'model=resnet50'],
    ]);
    const archs = jobs.map(
      (overrides) =>
        (
          composeConfig({ configDirs: [CONFIGS], configName: 'train', overrides }).config.model as {
            arch: string;
          }
        ).arch,
    );
    expect(archs).toEqual(['resnet18', 'resnet50']);
  });
});
