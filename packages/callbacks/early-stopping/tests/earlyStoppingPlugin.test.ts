import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
import { assert, describe, expect, it } from 'vitest';
import defaultExport, {
  EARLY_STOPPING_DEFAULTS,
  EarlyStopping,
  earlyStoppingPlugin,
  earlyStoppingPlugins,
} from '../src/index.js';

describe('earlyStoppingPlugin', () => {
  it('is the default export and registers as callbacks.early_stopping', async () => {
    expect(defaultExport).toBe(earlyStoppingPlugin);
    expect(earlyStoppingPlugins).toEqual([earlyStoppingPlugin]);
    const callback = await createCallbackFromPlugin(earlyStoppingPlugin, {
      monitor: 'val/loss',
      mode: 'min',
    });
    assert(callback instanceof EarlyStopping);
    expect(callback.name).toBe('early_stopping');
    expect(callback.options).toEqual({ ...EARLY_STOPPING_DEFAULTS, monitor: 'val/loss', mode: 'min' });
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    const defaults = pluginOptionDefaults(earlyStoppingPlugin);
    expect(defaults).toEqual(EARLY_STOPPING_DEFAULTS);
    expect(new EarlyStopping(defaults).options).toEqual(EARLY_STOPPING_DEFAULTS);
  });

  it.each([
    { mode: 'median' },
    { patience: 1.5 },
    { min_delta: -1 },
    { stopping_threshold: 'high' },
    { monitor: '' },
    { monitr: 'val/acc' },
  ])('schema rejects %j', (node) => {
    expect(validatePluginOptions(earlyStoppingPlugin, node).valid).toBe(false);
  });
});
