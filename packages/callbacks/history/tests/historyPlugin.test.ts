import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
import { assert, describe, expect, it } from 'vitest';
import defaultExport, {
  HISTORY_DEFAULTS,
  HistoryCallback,
  historyPlugin,
  historyPlugins,
} from '../src/index.js';

describe('historyPlugin', () => {
  it('is the default export and registers as callbacks.history', async () => {
    expect(defaultExport).toBe(historyPlugin);
    expect(historyPlugins).toEqual([historyPlugin]);
    const callback = await createCallbackFromPlugin(historyPlugin, { loss_scale: 'log' });
    assert(callback instanceof HistoryCallback);
    expect([callback.name, callback.failure, callback.options]).toEqual([
      'history',
      'warn',
      { loss_scale: 'log' },
    ]);
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    expect(pluginOptionDefaults(historyPlugin)).toEqual(HISTORY_DEFAULTS);
  });

  it.each([{ loss_scale: 'symlog' }, { every_n_epochs: 2 }])('schema rejects %j', (node) => {
    expect(validatePluginOptions(historyPlugin, node).valid).toBe(false);
  });

  it('rejects an unknown loss_scale when created directly', () => {
    expect(() => new HistoryCallback({ loss_scale: 'symlog' as 'log' })).toThrow(
      'callbacks.history.loss_scale must be "linear" or "log", got "symlog"',
    );
  });
});
