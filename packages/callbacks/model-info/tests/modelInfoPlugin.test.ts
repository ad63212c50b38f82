import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
import { assert, describe, expect, it } from 'vitest';
import defaultExport, {
  MODEL_INFO_DEFAULTS,
  ModelInfoCallback,
  modelInfoPlugin,
  modelInfoPlugins,
} from '../src/index.js';

describe('modelInfoPlugin', () => {
  it('is the default export and registers as callbacks.model_info', async () => {
    expect(defaultExport).toBe(modelInfoPlugin);
    expect(modelInfoPlugins).toEqual([modelInfoPlugin]);
    const callback = await createCallbackFromPlugin(modelInfoPlugin, { benchmark_seconds: 0.5 });
    assert(callback instanceof ModelInfoCallback);
    expect([callback.name, callback.order, callback.failure, callback.options]).toEqual([
      'model_info',
      'post',
      'warn',
      { benchmark: true, benchmark_seconds: 0.5 },
    ]);
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    expect(pluginOptionDefaults(modelInfoPlugin)).toEqual(MODEL_INFO_DEFAULTS);
    expect(MODEL_INFO_DEFAULTS).toEqual({ benchmark: true, benchmark_seconds: 0.25 });
  });

  it.each([{ benchmark_seconds: 0 }, { benchmark_seconds: -1 }, { benchmark: 'yes' }, { warmup: 2 }])(
    'schema rejects %j',
    (node) => {
      expect(validatePluginOptions(modelInfoPlugin, node).valid).toBe(false);
    },
  );

  it('rejects a budget that is not a positive number when created directly', () => {
    expect(() => new ModelInfoCallback({ benchmark_seconds: 0 })).toThrow(
      'callbacks.model_info.benchmark_seconds must be a positive number, got 0',
    );
  });
});
