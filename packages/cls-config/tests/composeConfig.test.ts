import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides, composeConfig, listConfigGroups } from '../src/index.js';
import { CONFIGS, errorOf, fixture } from './helpers.js';

const compose = (...overrides: string[]) =>
  composeConfig({ configDirs: [CONFIGS], configName: 'train', overrides });
const pick = (config: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], config);

describe('composeConfig: hydra.job.override_dirname', () => {
  it("is Hydra's: the task overrides sorted, joined by commas, without hydra's own", () => {
    const { config } = compose('trainer.max_epochs=3', 'model=resnet50', '+tags=[a,b]', 'hydra.job.num=2');
    expect(pick(config, 'hydra.job.override_dirname')).toBe(
      '+tags=[a,b],model=resnet50,trainer.max_epochs=3',
    );
  });

  it('follows hydra.job.config.override_dirname: separators and excluded keys', () => {
    const { config } = compose(
      'seed=3',
      'trainer.max_epochs=3',
      "+hydra.job.config.override_dirname={kv_sep: '-', item_sep: _, exclude_keys: [seed]}",
    );
    expect(pick(config, 'hydra.job.override_dirname')).toBe('trainer.max_epochs-3');
  });
});

describe('composeConfig: defaults list', () => {
  it('composes the shipped train config from its defaults list', () => {
    const { config, choices, overrides, configName } = compose();
    expect(choices).toEqual({
      transforms: 'default',
      data: 'imagefolder',
      model: 'resnet18',
      optimizer: 'adamw',
      scheduler: 'cosine',
      trainer: 'default',
      callbacks: 'default',
      paths: 'default',
      hydra: 'default',
      'hydra/launcher': 'basic',
      experiment: null,
    });
    expect(Object.keys(config)).toEqual([
      'task_name',
      'seed',
      'plugins',
      'ckpt_path',
      'transforms',
      'data',
      'optimizer',
      'scheduler',
      'model',
      'trainer',
      'callbacks',
      'paths',
      'hydra',
    ]);
    expect(config).not.toHaveProperty('defaults');
    expect(pick(config, 'data.name')).toBe('imagefolder');
    expect(pick(config, 'optimizer.weight_decay')).toBe(0.05);
    expect(pick(config, 'optimizer.eps')).toBe(1e-8);
    expect(pick(config, 'seed')).toBe(42);
    // interpolations stay until resolveConfig
    expect(pick(config, 'paths.data_dir')).toBe('${paths.root_dir}/data');
    expect(overrides).toEqual({ task: [], hydra: [] });
    expect(configName).toBe('train');
  });

  it.each([
    ['self_first', 1],
    ['self_last', 0],
    ['self_implicit', 0],
    ['self_middle', 2],
  ])('merges in list order with _self_ where listed (%s → shade %i)', (configName, shade) => {
    const { config } = composeConfig({ configDirs: [fixture('order')], configName });
    expect(config.color).toEqual({ name: 'red', shade, primary_only: true });
  });

  it('handles nested groups, @package, package headers, config entries and optional entries', () => {
    const { config, choices } = composeConfig({ configDirs: [fixture('nested')], configName: 'main' });
    expect(config).toEqual({
      model: { backbone: { width: 4 }, layers: 50 },
      backup: { driver: 'mysql' },
      database: { driver: 'postgres' },
      shared: true,
      name: 'nested',
    });
    expect(choices).toEqual({
      model: 'big',
      'model/backbone': 'wide',
      local: 'default',
      extra: 'absent',
      'db@backup': 'mysql',
      db: 'postgres',
    });
    const overridden = composeConfig({
      configDirs: [fixture('nested')],
      configName: 'main',
      overrides: ['model/backbone=narrow', 'db@backup=postgres', 'extra=present'],
    });
    expect(overridden.config).toMatchObject({
      model: { backbone: { width: 1 } },
      backup: { driver: 'postgres' },
      extra: { extra: true },
    });
  });

  it('lets a later config dir replace files and add options', () => {
    const dirs = [CONFIGS, fixture('project')];
    const { config } = composeConfig({ configDirs: dirs, configName: 'train', overrides: [] });
    expect(config.model).toEqual({ arch: 'resnet18', num_classes: 10, pretrained: null, dropout: 0.2 });
    const quick = composeConfig({ configDirs: dirs, configName: 'train', overrides: ['experiment=quick'] });
    expect(quick.choices).toMatchObject({ model: 'tiny', callbacks: 'none', experiment: 'quick' });
    expect(quick.config.callbacks).toEqual({});
    expect(pick(quick.config, 'trainer.max_epochs')).toBe(2);
    expect(listConfigGroups(dirs)).toMatchObject({
      experiment: ['jersey_synth', 'mnist', 'quick', 't4_resnet18', 't4_resnet50'],
      model: ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'tiny'],
    });
  });

  it('lists the config groups and their options', () => {
    expect(listConfigGroups([CONFIGS])).toEqual({
      callbacks: ['default', 'ema', 'none'],
      data: ['basketball_jersey_numbers', 'imagefolder', 'jersey_synth', 'mnist'],
      experiment: ['jersey_synth', 'mnist', 't4_resnet18', 't4_resnet50'],
      export: ['default'],
      hydra: ['default'],
      'hydra/launcher': ['basic', 'vertex'],
      model: ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152'],
      optimizer: ['adam', 'adamw', 'sgd'],
      paths: ['default'],
      predict: ['default'],
      scheduler: ['constant', 'cosine', 'multistep', 'onecycle', 'reduce_on_plateau', 'step'],
      trainer: ['default'],
      transforms: ['default', 'jersey', 'none', 'randaugment', 'trivialaugment'],
    });
    expect(listConfigGroups([fixture('nested'), join(fixture('nested'), 'no-such-dir')])).toEqual({
      db: ['mysql', 'postgres'],
      extra: ['present'],
      model: ['big'],
      'model/backbone': ['narrow', 'wide'],
    });
  });
});

describe('composeConfig: experiments', () => {
  it('experiment=mnist overrides other groups and the primary config', () => {
    const { config, choices } = compose('experiment=mnist');
    expect(choices).toEqual({
      transforms: 'none',
      data: 'mnist',
      model: 'resnet18',
      optimizer: 'adam',
      scheduler: 'cosine',
      trainer: 'default',
      callbacks: 'default',
      paths: 'default',
      hydra: 'default',
      'hydra/launcher': 'basic',
      experiment: 'mnist',
    });
    expect(pick(config, 'data.name')).toBe('mnist');
    expect(config.optimizer).toEqual({
      name: 'adam',
      lr: 0.002,
      weight_decay: 0,
      betas: [0.9, 0.999],
      eps: 1e-8,
    });
    expect(pick(config, 'scheduler.warmup_epochs')).toBe(0.1);
    // _self_ comes first in train.yaml, so the experiment's seed wins over the primary's 42
    expect(config.seed).toBe(12345);
    expect(config.tags).toEqual(['mnist', 'resnet18']);
    expect(pick(config, 'trainer.max_epochs')).toBe(1);
    expect(pick(config, 'trainer.accelerator')).toBe('auto');
    expect(pick(config, 'callbacks.early_stopping')).toBeNull();
    expect(pick(config, 'callbacks.model_checkpoint')).toMatchObject({ monitor: 'val/acc' });
  });

  it('the command line wins over an experiment', () => {
    const { config, choices } = compose('experiment=mnist', 'data=imagefolder', 'optimizer=sgd', 'seed=3');
    expect(choices).toMatchObject({ data: 'imagefolder', optimizer: 'sgd', experiment: 'mnist' });
    // sgd's own lr and weight_decay are overridden by the model's tuned values, then by the experiment's
    expect(config.optimizer).toEqual({
      name: 'sgd',
      lr: 0.002,
      weight_decay: 0,
      momentum: 0.9,
      nesterov: false,
    });
    expect(config.seed).toBe(3);
  });
});

describe('composeConfig: overrides', () => {
  it('applies every override form in order', () => {
    const { config, overrides } = compose(
      'model=resnet50',
      'callbacks=none',
      'trainer.max_epochs=3',
      '+trainer.extra=1',
      '++seed=7',
      '++brand.new={a: 1}',
      '+model.pretrained=imagenet',
      'data.mean=[0.5,0.5,0.5]',
      '+transforms.train=[{random_rotation: {degrees: 5}}, {horizontal_flip: {p: 0.5}}]',
      '~transforms.train.1',
      'data.root="/data/my set"',
      'ckpt_path=null',
      'hydra.verbose=true',
    );
    expect(pick(config, 'model.arch')).toBe('resnet50');
    expect(config.callbacks).toEqual({});
    expect(config.trainer).toMatchObject({ max_epochs: 3, extra: 1 });
    expect(config.seed).toBe(7);
    expect(config.brand).toEqual({ new: { a: 1 } });
    expect(pick(config, 'model.pretrained')).toBe('imagenet');
    expect(pick(config, 'data.mean')).toEqual([0.5, 0.5, 0.5]);
    expect(pick(config, 'transforms.train')).toEqual([{ random_rotation: { degrees: 5 } }]);
    expect(pick(config, 'data.root')).toBe('/data/my set');
    expect(config.ckpt_path).toBeNull();
    expect(pick(config, 'hydra.verbose')).toBe(true);
    expect(overrides.hydra).toEqual(['hydra.verbose=true']);
    expect(overrides.task).toHaveLength(12);
    expect(overrides.task[0]).toBe('model=resnet50');
  });

  it('null and ~ remove callbacks, groups and keys', () => {
    const { config, choices } = compose(
      'callbacks.early_stopping=null',
      '~callbacks.lr_monitor',
      '~trainer.limit_test_batches=null',
      '~experiment',
    );
    expect(pick(config, 'callbacks.early_stopping')).toBeNull();
    expect(config.callbacks).not.toHaveProperty('lr_monitor');
    expect(config.trainer).not.toHaveProperty('limit_test_batches');
    expect(choices).not.toHaveProperty('experiment');
    expect(compose('model=null').config).not.toHaveProperty('model');
  });

  it('++group adds a group that is not in the defaults list, or changes one that is', () => {
    const dirs = [fixture('order')];
    const added = composeConfig({ configDirs: dirs, configName: 'self_first', overrides: ['++size=large'] });
    expect(added.choices).toEqual({ color: 'red', size: 'large' });
    expect(pick(added.config, 'color.shade')).toBe(2);
    const appended = composeConfig({
      configDirs: dirs,
      configName: 'self_first',
      overrides: ['+size=large'],
    });
    expect(appended.config).toEqual(added.config);
    expect(compose('++model=resnet50').choices.model).toBe('resnet50');
  });

  it('reports a key that does not exist, with did-you-mean', () => {
    expect(errorOf(() => compose('trainer.max_epoch=3'))).toEqual({
      code: 'OVERRIDE_INVALID',
      message: 'trainer.max_epoch: no such key (did you mean trainer.max_epochs?)',
    });
    expect(errorOf(() => compose('trainr.max_epochs=3')).message).toBe(
      'trainr.max_epochs: no such key (did you mean trainer.max_epochs?)',
    );
    expect(errorOf(() => compose('zzzzzzzz=1')).message).toBe(
      'zzzzzzzz: no such key; use +zzzzzzzz=1 to add it',
    );
    expect(errorOf(() => compose('seed.value=1')).message).toBe(
      'seed.value: no such key (seed is 42, not a map)',
    );
    expect(errorOf(() => compose('~trainer.max_epoch')).message).toBe(
      'trainer.max_epoch: no such key (did you mean trainer.max_epochs?); nothing to delete',
    );
    expect(errorOf(() => compose('~seed=41')).message).toBe('~seed=41: seed is 42, not 41; nothing deleted');
    expect(errorOf(() => compose('data.mean.3=1')).message).toBe(
      'data.mean.3: no such item (data.mean has 3 items)',
    );
  });

  it('says to add with + a key the schema defines but the config leaves out', () => {
    expect(errorOf(() => compose('tags=[a,b]')).message).toBe(
      'tags: not in the config; use +tags=[a,b] to add it',
    );
    expect(pick(compose('+tags=[a,b]').config, 'tags')).toEqual(['a', 'b']);
  });

  it('reads a key with a slash as a config group, never as a key to add', () => {
    expect(errorOf(() => compose('hydra/launcer=basic'))).toEqual({
      code: 'OVERRIDE_INVALID',
      message: 'hydra/launcer: no such config group (did you mean hydra/launcher?)',
    });
    expect(errorOf(() => compose('+foo/bar=x')).message).toMatch(
      /^foo\/bar: no such config group \(groups: /,
    );
  });

  it('names every override that cannot apply in one error', () => {
    expect(
      errorOf(() =>
        compose(
          'trainer.max_epoch=3',
          'trainer.max_epochs=4',
          'callbacks.early_stopping.patiense=2',
          '~seed=41',
        ),
      ),
    ).toEqual({
      code: 'OVERRIDE_INVALID',
      message:
        'trainer.max_epoch: no such key (did you mean trainer.max_epochs?); ' +
        'callbacks.early_stopping.patiense: no such key (did you mean callbacks.early_stopping.patience?); ' +
        '~seed=41: seed is 42, not 41; nothing deleted',
    });
  });

  it('refuses + on a key that is already set', () => {
    expect(errorOf(() => compose('+trainer.max_epochs=3'))).toEqual({
      code: 'OVERRIDE_INVALID',
      message:
        'trainer.max_epochs: already set (to 30); use trainer.max_epochs=3 to change it or ++trainer.max_epochs=3 to add or change it',
    });
    expect(errorOf(() => compose('+seed.x=1')).message).toBe(
      '+seed.x=1: seed is 42, not a map, so seed.x cannot be set',
    );
  });

  it('reports an unknown group option with the available ones', () => {
    expect(errorOf(() => compose('model=resnet51'))).toEqual({
      code: 'OVERRIDE_INVALID',
      message:
        'model=resnet51: no such option in group model; available: resnet18, resnet34, resnet50, resnet101, resnet152 (did you mean resnet50?)',
    });
    expect(errorOf(() => compose('experiment=mnsit')).message).toBe(
      'experiment=mnsit: no such option in group experiment; available: jersey_synth, mnist, t4_resnet18, t4_resnet50 (did you mean mnist?)',
    );
    expect(errorOf(() => compose('model=../../secret')).message).toBe(
      'model=../../secret: "../../secret" is not an option name',
    );
    expect(errorOf(() => compose('model=[resnet18,resnet50]')).message).toBe(
      'model=[resnet18,resnet50]: selecting several options of group model is not supported yet',
    );
  });

  it('checks group overrides against the defaults list', () => {
    expect(errorOf(() => compose('+model=resnet50'))).toEqual({
      code: 'OVERRIDE_INVALID',
      message:
        '+model=resnet50: group model is already in the defaults list; use model=resnet50 to change it',
    });
    const order = (overrides: string[]) =>
      composeConfig({ configDirs: [fixture('order')], configName: 'self_first', overrides });
    expect(errorOf(() => order(['size=large'])).message).toBe(
      'size=large: group size is not in the defaults list; use +size=large to add it',
    );
    expect(errorOf(() => order(['~size'])).message).toBe('~size: group size is not in the defaults list');
    expect(errorOf(() => compose('~optimizer=sgd')).message).toBe(
      '~optimizer=sgd: group optimizer is set to adamw, not sgd; nothing deleted',
    );
  });

  it('rejects sweeps without multirun, telling to add -m', () => {
    expect(errorOf(() => compose('model=resnet18,resnet50')).message).toBe(
      'model=resnet18,resnet50: sweeps over several values; add -m (--multirun) to run one job per value',
    );
    expect(errorOf(() => compose('seed=range(1,3)')).code).toBe('OVERRIDE_INVALID');
  });

  it('applyOverrides applies value overrides to any config', () => {
    const base = { a: { b: 1 } };
    expect(applyOverrides(base, ['a.b=2', '+a.c=[1]'])).toEqual({ a: { b: 2, c: [1] } });
    expect(base).toEqual({ a: { b: 1 } });
  });
});

describe('composeConfig: broken configs', () => {
  const broken = (configName: string, overrides: string[] = []) =>
    composeConfig({ configDirs: [fixture('broken')], configName, overrides });

  it('names the problem in the config files', () => {
    expect(errorOf(() => broken('no_such_config'))).toEqual({
      code: 'CONFIG_NOT_FOUND',
      message: `config no_such_config.yaml not found in ${fixture('broken')}`,
    });
    expect(errorOf(() => broken('bad_option'))).toEqual({
      code: 'CONFIG_NOT_FOUND',
      message: 'bad_option.yaml: color: purple: no such option in group color; available: blue, red',
    });
    expect(errorOf(() => broken('missing_choice'))).toEqual({
      code: 'CONFIG_MISSING_VALUE',
      message: 'color: missing mandatory choice (???); choose one with color=<option> (available: blue, red)',
    });
    expect(broken('missing_choice', ['color=blue']).config).toEqual({ color: { shade: 3 } });
    expect(errorOf(() => broken('override_first')).message).toBe(
      'override_first.yaml: "override color: blue" must come after "color: red" (overrides go at the end of the defaults list)',
    );
    expect(errorOf(() => broken('with_exp', ['exp=unused']))).toEqual({
      code: 'CONFIG_INVALID',
      message: 'exp/unused.yaml: override /shape: round matches no group in the defaults list (shape)',
    });
    expect(errorOf(() => broken('with_exp', ['exp=typo']))).toEqual({
      code: 'CONFIG_NOT_FOUND',
      message:
        'exp/typo.yaml: override /color: bleu: no such option in group color; available: blue, red (did you mean blue?)',
    });
    expect(errorOf(() => broken('cycle')).message).toBe(
      'defaults cycle: cycle.yaml -> cyc/one.yaml -> cyc/two.yaml -> cyc/one.yaml',
    );
    expect(errorOf(() => broken('twice')).message).toBe(
      'twice.yaml: group color is listed more than once in the defaults list',
    );
  });

  it('reports YAML syntax errors with file, line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cls-config-'));
    try {
      writeFileSync(join(dir, 'bad.yaml'), 'color:\n  shade: 1\n   other: [unclosed\n');
      const { code, message } = errorOf(() => composeConfig({ configDirs: [dir], configName: 'bad' }));
      expect(code).toBe('CONFIG_PARSE');
      expect(message).toBe(
        `${join(dir, 'bad.yaml')}:2:10: Nested mappings are not allowed in compact mappings`,
      );
      writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
      expect(errorOf(() => composeConfig({ configDirs: [dir], configName: 'list' })).message).toBe(
        `${join(dir, 'list.yaml')}: a config file must be a mapping of keys to values`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
