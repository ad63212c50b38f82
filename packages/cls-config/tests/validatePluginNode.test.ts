import { definePlugin, PluginRegistry, type LauncherContext } from '@nextplay/cls-core';
import { describe, expect, it } from 'vitest';
import { composeConfig, resolveKey, validatePluginNode } from '../src/index.js';
import { CONFIGS, errorOf } from './helpers.js';

const registry = new PluginRegistry().register(
  definePlugin({
    kind: 'launcher',
    name: 'pool',
    package: 'test',
    description: 'runs jobs side by side',
    optionsSchema: {
      type: 'object',
      properties: { n_jobs: { type: 'integer', minimum: 1, default: 2 } },
      additionalProperties: false,
    },
    create: (_options: Readonly<Record<string, unknown>>, _context: LauncherContext) => ({
      launch: () => Promise.resolve([]),
    }),
  }),
);
const where = { path: 'hydra.launcher', kind: 'launcher', nameKey: 'name' } as const;

describe('validatePluginNode', () => {
  it('fills the plugin defaults and freezes the node', () => {
    const node = validatePluginNode({ name: 'pool' }, where, registry);
    expect(node).toEqual({ name: 'pool', n_jobs: 2 });
    expect(Object.isFrozen(node)).toBe(true);
  });

  it('names each problem with its key path', () => {
    expect(errorOf(() => validatePluginNode({ name: 'pol' }, where, registry)).message).toBe(
      'hydra.launcher.name: no launcher plugin named "pol" (did you mean pool? available: pool)',
    );
    expect(errorOf(() => validatePluginNode({ name: 'pool', n_job: 0 }, where, registry)).message).toBe(
      'hydra.launcher.n_job: unknown key, set to 0 (did you mean n_jobs?)',
    );
    expect(errorOf(() => validatePluginNode({ name: 'pool', n_jobs: 0 }, where, registry)).message).toBe(
      'hydra.launcher.n_jobs: must be >= 1 (got 0)',
    );
    expect(errorOf(() => validatePluginNode('pool', where, registry)).message).toBe(
      'hydra.launcher: must be a map naming a launcher plugin in name (got "pool")',
    );
  });
});

describe('resolveKey', () => {
  it('resolves one key of the shipped hydra config, e.g. the sweep directory', () => {
    const { config } = composeConfig({
      configDirs: [CONFIGS],
      configName: 'train',
      now: new Date(2024, 2, 5, 7, 8, 9),
    });
    expect(resolveKey(config, 'hydra.sweep.dir')).toBe('multirun/2024-03-05/07-08-09');
    expect(resolveKey(config, 'hydra.sweep.subdir')).toBe(0);
    expect(resolveKey(config, 'hydra.launcher')).toEqual({ name: 'basic' });
    expect(errorOf(() => resolveKey(config, 'hydra.sweep.dirr')).message).toBe(
      'hydra.sweep.dirr: missing (did you mean hydra.sweep.dir?)',
    );
  });
});
