import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
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
    const callback = await createCallbackFromPlugin(lrMonitorPlugin, { logging_interval: 'step' });
    assert(callback instanceof LearningRateMonitor);
    expect(callback.name).toBe('lr_monitor');
    expect(callback.options).toEqual({ logging_interval: 'step' });
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    const defaults = pluginOptionDefaults(lrMonitorPlugin);
    expect(defaults).toEqual(LR_MONITOR_DEFAULTS);
    expect(new LearningRateMonitor(defaults).options).toEqual(LR_MONITOR_DEFAULTS);
  });

  it.each([{ logging_interval: 'batch' }, { log_momentum: true }])('schema rejects %j', (node) => {
    expect(validatePluginOptions(lrMonitorPlugin, node).valid).toBe(false);
  });
});
