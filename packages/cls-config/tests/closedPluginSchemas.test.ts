import { definePlugin, PluginRegistry, type JsonSchema } from '@nextplay/cls-core';
import { describe, expect, it } from 'vitest';
import { composeConfig, resolveConfig, validateConfig, validatePluginNode } from '../src/index.js';
import { CONFIGS, errorOf } from './helpers.js';
import { createTestRegistry } from './testRegistry.js';

function callback(name: string, optionsSchema: JsonSchema) {
  return definePlugin({
    kind: 'callback',
    name,
    package: 'cls-plugin-tests',
    description: `${name} (test)`,
    optionsSchema,
    create: () => {
      throw new Error('not created in this test');
    },
  });
}

const channel = {
  channel: { type: 'string', default: '#runs' },
  mentions: { type: 'object', properties: { team: { type: 'string' } } },
  open_map: { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: true },
};
// The README's example shape: properties, no additionalProperties.
const registry: PluginRegistry = createTestRegistry().register(
  callback('slack_notify', { type: 'object', properties: channel }),
  callback('open_notify', { type: 'object', properties: channel, additionalProperties: true }),
  callback('tagged_notify', { type: 'object', properties: channel, patternProperties: { '^tag_': {} } }),
);

function validate(...overrides: string[]) {
  const { config } = composeConfig({
    configDirs: [CONFIGS],
    configName: 'train',
    overrides: ['data.root=/d', ...overrides],
  });
  return validateConfig(resolveConfig(config, { outputDir: '/run', cwd: '/work' }), registry);
}

describe('plugin option schemas are closed unless the plugin opens them', () => {
  it('refuses a typo in a schema that does not say additionalProperties, naming the key', () => {
    expect(errorOf(() => validate('+callbacks.slack_notify={chanel:x}')).message).toBe(
      'callbacks.slack_notify.chanel: unknown key, set to "x" (did you mean channel?)',
    );
    expect(validate('+callbacks.slack_notify={channel:x}').callbacks.slack_notify).toEqual({ channel: 'x' });
    expect(validate('+callbacks.slack_notify={}').callbacks.slack_notify).toEqual({ channel: '#runs' });
  });

  it('closes nested object schemas too, unless they open themselves', () => {
    expect(errorOf(() => validate('+callbacks.slack_notify={mentions:{teem:x}}')).message).toBe(
      'callbacks.slack_notify.mentions.teem: unknown key, set to "x" (did you mean team?)',
    );
    expect(validate('+callbacks.slack_notify={mentions:{team:x}}').callbacks.slack_notify).toMatchObject({
      mentions: { team: 'x' },
    });
    expect(validate('+callbacks.slack_notify={open_map:{b:1}}').callbacks.slack_notify).toMatchObject({
      open_map: { b: 1 },
    });
  });

  it('lets extra keys through where the plugin asks for them', () => {
    expect(validate('+callbacks.open_notify={chanel:x}').callbacks.open_notify).toMatchObject({
      chanel: 'x',
    });
    expect(validate('+callbacks.tagged_notify={tag_a:1}').callbacks.tagged_notify).toMatchObject({
      tag_a: 1,
    });
  });

  it('holds for nodes validated on their own, such as hydra.launcher', () => {
    const launcherRegistry = new PluginRegistry().register(
      definePlugin({
        kind: 'launcher',
        name: 'pool',
        package: 'cls-plugin-tests',
        description: 'pool (test)',
        optionsSchema: { type: 'object', properties: { n_jobs: { type: 'integer' } } },
        create: () => {
          throw new Error('not created in this test');
        },
      }),
    );
    const where = { path: 'hydra.launcher', kind: 'launcher', nameKey: 'name' } as const;
    expect(
      errorOf(() => validatePluginNode({ name: 'pool', njobs: 2 }, where, launcherRegistry)).message,
    ).toBe('hydra.launcher.njobs: unknown key, set to 2 (did you mean n_jobs?)');
  });
});
