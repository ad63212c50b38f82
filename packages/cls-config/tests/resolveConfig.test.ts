import { describe, expect, it } from 'vitest';
import { composeConfig, resolveConfig, resolveKey, resolveRunDir } from '../src/index.js';
import { CONFIGS, errorOf } from './helpers.js';

// Local time, as Hydra's ${now:...} uses.
const NOW = new Date(2024, 2, 5, 7, 8, 9);
const run = { outputDir: '/runs/x', cwd: '/work', now: NOW, env: {} };

describe('resolveConfig', () => {
  it('resolves absolute, chained and string interpolations, keeping the type of whole values', () => {
    const config = {
      paths: { root_dir: '/root', data_dir: '${paths.root_dir}/data', mnist: '${paths.data_dir}/mnist' },
      sizes: { small: 8, large: 32, list: [1, 2], map: { a: 1, b: '${paths.root_dir}' } },
      count: '${sizes.large}',
      flag: '${enabled}',
      enabled: false,
      nothing: '${none}',
      none: null,
      list: '${sizes.list}',
      second: '${sizes.list[1]}',
      map: '${sizes.map}',
      text: 'size ${sizes.small}, on ${enabled}',
      which: 'small',
      chosen: '${sizes.${which}}',
      node: { sibling: 3, relative: '${.sibling}', parent: '${..which}' },
      literal: 'cost \\${not.a.key}',
    };
    const resolved = resolveConfig(config, run);
    expect(resolved).toEqual({
      paths: { root_dir: '/root', data_dir: '/root/data', mnist: '/root/data/mnist' },
      sizes: { small: 8, large: 32, list: [1, 2], map: { a: 1, b: '/root' } },
      count: 32,
      flag: false,
      enabled: false,
      nothing: null,
      none: null,
      list: [1, 2],
      second: 2,
      map: { a: 1, b: '/root' },
      text: 'size 8, on false',
      which: 'small',
      chosen: 8,
      node: { sibling: 3, relative: 3, parent: 'small' },
      literal: 'cost ${not.a.key}',
    });
    expect(resolved.list).not.toBe((resolved.sizes as { list: unknown }).list);
    expect(config.count).toBe('${sizes.large}');
  });

  it('reads environment variables, with defaults', () => {
    const env = { HOME: '/home/me', PORT: '8080' };
    const resolved = resolveConfig(
      {
        home: '${oc.env:HOME}',
        port: '${oc.env:PORT,1}',
        fallback: '${oc.env:NOT_SET,/tmp}',
        quoted: "${oc.env:NOT_SET,'a, b'}",
        nested: '${oc.env:NOT_SET,${home}/cache}',
        none: '${oc.env:NOT_SET,null}',
        home_dir: '${oc.env:HOME}/x',
      },
      { ...run, env },
    );
    expect(resolved).toEqual({
      home: '/home/me',
      port: '8080',
      fallback: '/tmp',
      quoted: 'a, b',
      nested: '/home/me/cache',
      none: null,
      home_dir: '/home/me/x',
    });
    expect(errorOf(() => resolveConfig({ a: { b: '${oc.env:NOT_SET}' } }, run))).toEqual({
      code: 'CONFIG_MISSING_VALUE',
      message: 'a.b: environment variable NOT_SET is not set (give a default: ${oc.env:NOT_SET,default})',
    });
  });

  it('selects a key, or a default where it or a parent is absent, with ${oc.select:...}', () => {
    const resolved = resolveConfig(
      {
        callbacks: { checkpoint: { monitor: 'val/loss', mode: '${.monitor}' }, removed: null },
        present: '${oc.select:callbacks.checkpoint.monitor,val/acc}',
        interpolated: '${oc.select:callbacks.checkpoint.mode,max}',
        absent: '${oc.select:callbacks.missing.monitor,val/acc}',
        under_null: '${oc.select:callbacks.removed.monitor,val/acc}',
        none: '${oc.select:nowhere}',
        relative: { value: '${oc.select:.sibling,2}', sibling: 1 },
        in_text: 'best by ${oc.select:callbacks.missing,val/acc}',
      },
      run,
    );
    expect(resolved).toMatchObject({
      present: 'val/loss',
      interpolated: 'val/loss',
      absent: 'val/acc',
      under_null: 'val/acc',
      none: null,
      relative: { value: 1, sibling: 1 },
      in_text: 'best by val/acc',
    });
    expect(resolveKey({ todo: '???', value: '${oc.select:todo,fallback}' }, 'value')).toBe('fallback');
  });

  it('refuses interpolations that grow past a sane size (a "billion laughs" of strings)', () => {
    const config: Record<string, string> = { l0: 'AAAAAAAAAAAAAAAA' };
    for (let level = 1; level <= 9; level++) config[`l${level}`] = `\${l${level - 1}}`.repeat(8);
    config.task_name = '${l9}';
    expect(errorOf(() => resolveConfig(config, run))).toEqual({
      code: 'CONFIG_INVALID',
      message: 'l6: its interpolations make a string of more than 1,048,576 characters',
    });
    expect((resolveConfig({ a: 'x'.repeat(1000), b: '${a}${a}' }, run).b as string).length).toBe(2000);
  });

  it('types strings with ${oc.decode:...}', () => {
    const resolved = resolveConfig(
      {
        epochs: '${oc.decode:${oc.env:EPOCHS,30}}',
        rate: '${oc.decode:"1e-3"}',
        list: '${oc.decode:${encoded}}',
        encoded: '[1, two, {three: 3}]',
        none: '${oc.decode:null}',
      },
      { ...run, env: { EPOCHS: '12' } },
    );
    expect(resolved).toMatchObject({ epochs: 12, rate: 0.001, list: [1, 'two', { three: 3 }], none: null });
    expect(errorOf(() => resolveConfig({ x: '${oc.decode:"[1,"}' }, run))).toEqual({
      code: 'CONFIG_INVALID',
      message: 'x: missing value in value "[1,"',
    });
  });

  it('formats ${now:...} from one timestamp', () => {
    const resolved = resolveConfig(
      { day: '${now:%Y-%m-%d}', time: '${now:%H-%M-%S}', both: '${now:%Y%m%d_%H%M%S} 100%%' },
      run,
    );
    expect(resolved).toEqual({ day: '2024-03-05', time: '07-08-09', both: '20240305_070809 100%%' });
    expect(resolveConfig({ pct: '${now:%%Y}' }, run)).toEqual({ pct: '%Y' });
    expect(errorOf(() => resolveConfig({ a: '${now:%j}' }, run)).message).toBe(
      'a: ${now:...} does not support %j; use %Y %m %d %H %M %S or %%',
    );
  });

  it('answers ${hydra:...} from the run and from the hydra node', () => {
    const resolved = resolveConfig(
      {
        out: '${hydra:runtime.output_dir}',
        cwd: '${hydra:runtime.cwd}/data',
        model: '${hydra:runtime.choices.model}',
        job: '${hydra:job.name}',
        dir: '${hydra:run.dir}',
        hydra: { run: { dir: 'outputs/${now:%Y}' } },
      },
      { ...run, choices: { model: 'resnet18' }, configName: 'train' },
    );
    expect(resolved).toEqual({
      out: '/runs/x',
      cwd: '/work/data',
      model: 'resnet18',
      job: 'train',
      dir: 'outputs/2024',
      hydra: { run: { dir: 'outputs/2024' } },
    });
  });

  it('reports mandatory values that are still missing', () => {
    expect(errorOf(() => resolveConfig({ data: { root: '???' } }, run))).toEqual({
      code: 'CONFIG_MISSING_VALUE',
      message: 'data.root: missing mandatory value (???)',
    });
    expect(errorOf(() => resolveConfig({ a: '???', b: { c: '???' }, d: '${b.c}' }, run)).message).toBe(
      'a: missing mandatory value (???); b.c: missing mandatory value (???)',
    );
  });

  it('names interpolation cycles and missing keys', () => {
    expect(errorOf(() => resolveConfig({ a: '${b}', b: { c: '${d}' }, d: 'x${a}' }, run))).toEqual({
      code: 'CONFIG_INVALID',
      message: 'a: interpolation cycle a -> b.c -> d -> a',
    });
    expect(errorOf(() => resolveConfig({ self: '${self}' }, run)).message).toBe(
      'self: interpolation cycle self -> self',
    );
    expect(errorOf(() => resolveConfig({ paths: { data_dir: 'd' }, x: '${paths.dat_dir}/y' }, run))).toEqual({
      code: 'CONFIG_INVALID',
      message:
        'x: ${paths.dat_dir} refers to paths.dat_dir, which does not exist (did you mean paths.data_dir?)',
    });
    expect(errorOf(() => resolveConfig({ x: '${a' }, run)).message).toBe('x: unterminated ${...} in "${a"');
    expect(errorOf(() => resolveConfig({ m: { a: 1 }, x: 'in ${m}' }, run)).message).toBe(
      'x: ${m} is a map and cannot be part of a string',
    );
  });

  it('never evaluates code: only oc.env, now and hydra resolve', () => {
    expect(errorOf(() => resolveConfig({ x: '${oc.eval:1+1}' }, run))).toEqual({
      code: 'CONFIG_INVALID',
      message:
        'x: unknown resolver "oc.eval" in ${oc.eval:1+1} (supported: oc.env, oc.select, oc.decode, now, hydra)',
    });
    expect(errorOf(() => resolveConfig({ x: "${python:__import__('os')}" }, run)).message).toContain(
      'unknown resolver "python"',
    );
  });
});

describe('resolveRunDir then resolveConfig', () => {
  it('resolves the run dir first, then everything with it as the output dir', () => {
    const { config } = composeConfig({
      configDirs: [CONFIGS],
      configName: 'train',
      overrides: ['experiment=mnist'],
    });
    const runDir = resolveRunDir(config, { now: NOW });
    expect(runDir).toBe('./outputs/2024-03-05/07-08-09');
    const resolved = resolveConfig(config, {
      outputDir: '/abs/outputs/2024-03-05/07-08-09',
      cwd: '/work',
      now: NOW,
    });
    expect(resolved.paths).toEqual({
      root_dir: '.',
      data_dir: './data',
      log_dir: './outputs',
      output_dir: '/abs/outputs/2024-03-05/07-08-09',
    });
    expect(resolved.data).toMatchObject({ root: './data/mnist' });
    expect(resolved.hydra).toEqual({
      run: { dir: runDir },
      sweep: { dir: 'multirun/2024-03-05/07-08-09', subdir: 0 },
      launcher: { name: 'basic' },
      job: { num: 0, override_dirname: 'experiment=mnist' },
      verbose: false,
    });
  });

  it('uses the composition timestamp for every ${now} when none is given', () => {
    const { config, now } = composeConfig({ configDirs: [CONFIGS], configName: 'train' });
    const runDir = resolveRunDir(config);
    const resolved = resolveConfig(config, { outputDir: runDir, cwd: '/work' });
    expect((resolved.hydra as { run: { dir: string } }).run.dir).toBe(runDir);
    const pad = (value: number) => String(value).padStart(2, '0');
    expect(runDir).toBe(
      `./outputs/${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}/${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`,
    );
  });

  it('refuses a run dir that depends on the output dir', () => {
    expect(
      errorOf(() => resolveRunDir({ hydra: { run: { dir: '${hydra:runtime.output_dir}/x' } } })),
    ).toEqual({
      code: 'CONFIG_INVALID',
      message:
        'hydra.run.dir: ${hydra:runtime.output_dir} is the run directory, which is not known while hydra.run.dir is resolved',
    });
    expect(errorOf(() => resolveRunDir({ hydra: {} })).message).toBe(
      'hydra.run.dir: missing; it names the run directory (e.g. hydra: default)',
    );
    expect(errorOf(() => resolveRunDir({ hydra: { run: { dir: 3 } } })).message).toBe(
      'hydra.run.dir: must be a non-empty string (got 3)',
    );
  });
});
