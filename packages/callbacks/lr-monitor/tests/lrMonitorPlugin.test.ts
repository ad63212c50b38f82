import { Ajv } from 'ajv';
import { createLogger, PluginRegistry } from '@nextplay/cls-core';
import { assert, describe, expect, it } from 'vitest';
import defaultExport, {
  LearningRateMonitor,
  LR_MONITOR_DEFAULTS,
  lrMonitorPlugin,
  lrMonitorPlugins,
} from '../src/index.js';

describe('lrMonitorPlugin', () => {
  it('is the default export and registers as callbacks.lr_monitor', async () => {
    expect(defaultExport).toBe(lrMonitorPlugin);
    expect(lrMonitorPlugins).toEqual([lrMonitorPlugin]);
    const registry = new PluginRegistry().register(lrMonitorPlugin);
    const callback = await registry.create(
      'callback',
      'lr_monitor',
      { logging_interval: 'step' },
      { logger: createLogger({ console: false }) },
    );
    assert(callback instanceof LearningRateMonitor);
    expect(callback.name).toBe('lr_monitor');
    expect(callback.options).toEqual({ logging_interval: 'step' });
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    const ajv = new Ajv({ useDefaults: true, strict: true, allErrors: true });
    expect(ajv.validateSchema(lrMonitorPlugin.optionsSchema)).toBe(true);
    const validate = ajv.compile(lrMonitorPlugin.optionsSchema);
    const node: Record<string, unknown> = {};
    expect(validate(node)).toBe(true);
    expect(node).toEqual(LR_MONITOR_DEFAULTS);
    expect(new LearningRateMonitor(node).options).toEqual(LR_MONITOR_DEFAULTS);
  });

  it.each([{ logging_interval: 'batch' }, { log_momentum: true }])('schema rejects %j', (node) => {
    const validate = new Ajv({ useDefaults: true, strict: true }).compile(lrMonitorPlugin.optionsSchema);
    expect(validate({ ...node })).toBe(false);
  });
});
