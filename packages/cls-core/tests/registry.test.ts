import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClsError, PluginRegistry, definePlugin, type Callback } from '@nextplay/cls-core';

const callbackPlugin = (name: string, pkg = '@test/callbacks') =>
  definePlugin<'callback', { greeting?: string }>({
    kind: 'callback',
    name,
    package: pkg,
    description: 'test callback',
    optionsSchema: { type: 'object', properties: { greeting: { type: 'string', default: 'hi' } } },
    create: (options): Callback => ({ name, summary: () => ({ greeting: options.greeting ?? 'hi' }) }),
  });

describe('PluginRegistry', () => {
  it('registers and creates plugins by kind and name', async () => {
    const registry = new PluginRegistry().register(callbackPlugin('hello'));
    expect(registry.has('callback', 'hello')).toBe(true);
    expect(registry.has('model', 'hello')).toBe(false);
    const callback = await registry.create(
      'callback',
      'hello',
      { greeting: 'hey' },
      { logger: console as never },
    );
    expect(callback.summary?.()).toEqual({ greeting: 'hey' });
  });

  it('rejects a duplicate name within a kind, naming both packages', () => {
    const registry = new PluginRegistry().register(callbackPlugin('hello', '@a/one'));
    expect(() => registry.register(callbackPlugin('hello', '@b/two'))).toThrow(
      /callback plugin "hello" from @b\/two is already registered by @a\/one/,
    );
  });

  it('names the registered plugins and the closest one for an unknown name', () => {
    const registry = new PluginRegistry().register(
      callbackPlugin('early_stopping'),
      callbackPlugin('lr_monitor'),
    );
    let error: unknown;
    try {
      registry.get('callback', 'early_stoping');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClsError);
    expect((error as ClsError).code).toBe('UNKNOWN_PLUGIN');
    expect((error as ClsError).message).toBe(
      'unknown callback "early_stoping"; available: early_stopping, lr_monitor. Did you mean "early_stopping"?',
    );
  });

  it('wraps a failure inside a plugin factory with the plugin name', async () => {
    const registry = new PluginRegistry().register(
      definePlugin({
        kind: 'callback',
        name: 'broken',
        package: '@test/broken',
        description: 'throws',
        optionsSchema: { type: 'object' },
        create: () => {
          throw new Error('boom');
        },
      }),
    );
    await expect(registry.create('callback', 'broken', {}, { logger: console as never })).rejects.toThrow(
      '[@test/broken>broken] create failed: boom',
    );
  });

  it('rejects definitions that are not plugins', () => {
    const registry = new PluginRegistry();
    expect(() => registry.register({ kind: 'gadget', name: '' } as never)).toThrow(
      /is invalid: kind must be one of model, head, callback, .*; name must be a non-empty string/,
    );
  });

  it('loads a plugin module from a path outside the workspace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cls-plugin-'));
    writeFileSync(
      join(dir, 'plugin.mjs'),
      `export default { plugins: [{ kind: 'callback', name: 'outside', package: 'outside-pkg', description: 'x',
        optionsSchema: { type: 'object' }, create: () => ({ name: 'outside' }) }] };`,
    );
    const registry = new PluginRegistry();
    const loaded = await registry.load('./plugin.mjs', dir);
    expect(loaded.map((p) => p.name)).toEqual(['outside']);
    expect(registry.names('callback')).toEqual(['outside']);
  });

  it('loads a plugin package given as a folder, through its exports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cls-plugin-pkg-'));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'p', type: 'module', exports: { '.': { import: './lib/main.js' } } }),
    );
    mkdirSync(join(dir, 'lib'));
    writeFileSync(
      join(dir, 'lib', 'main.js'),
      `export default { kind: 'callback', name: 'in_folder', package: 'p', description: 'x',
        optionsSchema: { type: 'object' }, create: () => ({ name: 'in_folder' }) };`,
    );
    const registry = new PluginRegistry();
    await registry.load(dir, tmpdir());
    expect(registry.names('callback')).toEqual(['in_folder']);
  });

  it('reports a plugin module that cannot be found', async () => {
    await expect(new PluginRegistry().load('./missing.mjs', tmpdir())).rejects.toMatchObject({
      code: 'PLUGIN_LOAD_FAILED',
    });
    await expect(new PluginRegistry().load('no-such-cls-plugin-package', tmpdir())).rejects.toMatchObject({
      code: 'PLUGIN_LOAD_FAILED',
    });
  });
});
