import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
import { assert, describe, expect, it } from 'vitest';
import defaultExport, {
  PREDICTIONS_DEFAULTS,
  PredictionsCallback,
  predictionsPlugin,
  predictionsPlugins,
} from '../src/index.js';

describe('predictionsPlugin', () => {
  it('is the default export and registers as callbacks.predictions', async () => {
    expect(defaultExport).toBe(predictionsPlugin);
    expect(predictionsPlugins).toEqual([predictionsPlugin]);
    const callback = await createCallbackFromPlugin(predictionsPlugin, { count: 16, tile_size: 64 });
    assert(callback instanceof PredictionsCallback);
    expect([callback.name, callback.failure, callback.options]).toEqual([
      'predictions',
      'warn',
      { ...PREDICTIONS_DEFAULTS, count: 16, tile_size: 64 },
    ]);
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    expect(pluginOptionDefaults(predictionsPlugin)).toEqual(PREDICTIONS_DEFAULTS);
    expect(validatePluginOptions(predictionsPlugin, PREDICTIONS_DEFAULTS).valid).toBe(true);
  });

  it.each([
    { count: 0 },
    { count: 2.5 },
    { columns: 0 },
    { tile_size: 8 },
    { tile_size: 4096 },
    { most_confident_wrong: -1 },
    { seed: 'x' },
    { every_n_epochs: 2 },
  ])('schema rejects %j', (node) => {
    expect(validatePluginOptions(predictionsPlugin, node).valid).toBe(false);
  });

  it('rejects an out-of-range size when created directly', () => {
    expect(() => new PredictionsCallback({ tile_size: 4 })).toThrow(
      'callbacks.predictions.tile_size must be an integer from 16 to 512, got 4',
    );
  });
});
