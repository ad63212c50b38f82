import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
import { assert, describe, expect, it } from 'vitest';
import defaultExport, {
  DATASET_STATS_DEFAULTS,
  DatasetStatsCallback,
  datasetStatsPlugin,
  datasetStatsPlugins,
} from '../src/index.js';

describe('datasetStatsPlugin', () => {
  it('is the default export and registers as callbacks.dataset_stats', async () => {
    expect(defaultExport).toBe(datasetStatsPlugin);
    expect(datasetStatsPlugins).toEqual([datasetStatsPlugin]);
    const callback = await createCallbackFromPlugin(datasetStatsPlugin, { max_header_reads: 50 });
    assert(callback instanceof DatasetStatsCallback);
    expect([callback.name, callback.failure, callback.options]).toEqual([
      'dataset_stats',
      'warn',
      { ...DATASET_STATS_DEFAULTS, max_header_reads: 50 },
    ]);
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    const defaults = pluginOptionDefaults(datasetStatsPlugin);
    expect(defaults).toEqual(DATASET_STATS_DEFAULTS);
    expect(defaults).toEqual({ max_header_reads: 2000, plots: true });
    expect(new DatasetStatsCallback(defaults).options).toEqual(DATASET_STATS_DEFAULTS);
  });

  it.each([{ max_header_reads: -1 }, { max_header_reads: 1.5 }, { plots: 'yes' }, { seed: 3 }])(
    'schema rejects %j',
    (node) => {
      expect(validatePluginOptions(datasetStatsPlugin, node).valid).toBe(false);
    },
  );

  it('rejects a negative max_header_reads when created directly', () => {
    expect(() => new DatasetStatsCallback({ max_header_reads: -1 })).toThrow(
      'callbacks.dataset_stats.max_header_reads must be an integer >= 0, got -1',
    );
  });
});
