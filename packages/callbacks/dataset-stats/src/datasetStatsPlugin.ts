import { definePlugin } from '@nextplay/cls-core';
import { DatasetStatsCallback } from './datasetStatsCallback.js';
import { datasetStatsOptionsSchema, type DatasetStatsOptions } from './datasetStatsOptions.js';

export const datasetStatsPlugin = definePlugin<'callback', DatasetStatsOptions>({
  kind: 'callback',
  name: 'dataset_stats',
  package: '@nextplay/cls-callback-dataset-stats',
  description:
    'Writes dataset_stats.json (class counts, imbalance, image sizes and formats per split, from file headers) and plots/dataset_stats.{svg,png}.',
  optionsSchema: datasetStatsOptionsSchema,
  create: (options) => new DatasetStatsCallback(options),
});

export const datasetStatsPlugins = [datasetStatsPlugin] as const;
