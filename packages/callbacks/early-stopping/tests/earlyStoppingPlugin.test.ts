import { Ajv } from 'ajv';
import { createLogger, PluginRegistry } from '@nextplay/cls-core';
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
    const registry = new PluginRegistry().register(earlyStoppingPlugin);
    const callback = await registry.create(
      'callback',
      'early_stopping',
      { monitor: 'val/loss', mode: 'min' },
      { logger: createLogger({ console: false }) },
    );
    assert(callback instanceof EarlyStopping);
    expect(callback.name).toBe('early_stopping');
    expect(callback.options).toEqual({
      ...EARLY_STOPPING_DEFAULTS,
      monitor: 'val/loss',
      mode: 'min',
    });
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    const ajv = new Ajv({ useDefaults: true, strict: true, allErrors: true });
    expect(ajv.validateSchema(earlyStoppingPlugin.optionsSchema)).toBe(true);
    const validate = ajv.compile(earlyStoppingPlugin.optionsSchema);
    const node: Record<string, unknown> = {};
    expect(validate(node)).toBe(true);
    expect(node).toEqual(EARLY_STOPPING_DEFAULTS);
    expect(new EarlyStopping(node).options).toEqual(EARLY_STOPPING_DEFAULTS);
  });

  it.each([
    { mode: 'median' },
    { patience: 1.5 },
    { min_delta: -1 },
    { stopping_threshold: 'high' },
    { monitor: '' },
    { monitr: 'val/acc' },
  ])('schema rejects %j', (node) => {
    const validate = new Ajv({ useDefaults: true, strict: true }).compile(earlyStoppingPlugin.optionsSchema);
    expect(validate({ ...node })).toBe(false);
  });
});
