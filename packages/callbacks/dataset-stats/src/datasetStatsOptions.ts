import type { JsonSchema } from '@nextplay/cls-core';

/** `callbacks.dataset_stats` options. */
export interface DatasetStatsOptions {
  /**
   * Image headers read per split for the width, height and format statistics; a larger split is sampled (seeded,
   * so every run and resume reads the same files). 0 reads none. Class counts never need a read.
   */
  readonly max_header_reads?: number;
  /** Draw plots/dataset_stats.{svg,png}; false writes only dataset_stats.json. */
  readonly plots?: boolean;
}

export type ResolvedDatasetStatsOptions = {
  readonly [K in keyof DatasetStatsOptions]-?: DatasetStatsOptions[K];
};

export const DATASET_STATS_DEFAULTS: ResolvedDatasetStatsOptions = {
  max_header_reads: 2000,
  plots: true,
};

export const datasetStatsOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    max_header_reads: {
      type: 'integer',
      minimum: 0,
      maximum: 1_000_000,
      default: DATASET_STATS_DEFAULTS.max_header_reads,
      description:
        'Image headers read per split for width, height and format statistics (a seeded sample of a larger split); 0 reads none.',
    },
    plots: {
      type: 'boolean',
      default: DATASET_STATS_DEFAULTS.plots,
      description: 'Draw plots/dataset_stats.{svg,png}; false writes only dataset_stats.json.',
    },
  },
  additionalProperties: false,
};
