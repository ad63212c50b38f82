import { datasetStatsPlugin } from './datasetStatsPlugin.js';

export { datasetStatsPlugin, datasetStatsPlugins } from './datasetStatsPlugin.js';
export { DatasetStatsCallback, HEADER_SAMPLE_SEED } from './datasetStatsCallback.js';
export { presentSplits, splitStats } from './datasetStats.js';
export type { ClassCount, DatasetStats, SplitStats } from './datasetStats.js';
export { datasetStatsChart } from './datasetStatsChart.js';
export { DATASET_STATS_JSON, MAX_UNREADABLE_LISTED, datasetStatsJson } from './datasetStatsJson.js';
export type { HeaderReadSettings } from './datasetStatsJson.js';
export { DATASET_STATS_DEFAULTS, datasetStatsOptionsSchema } from './datasetStatsOptions.js';
export type { DatasetStatsOptions, ResolvedDatasetStatsOptions } from './datasetStatsOptions.js';
export { scanHeaders } from './headerScan.js';
export type { HeaderScan, UnreadableFile } from './headerScan.js';
export { readImageHeader } from './readImageHeader.js';
export { readSkippedImages } from './readSkippedImages.js';
export type { ImageHeader } from './readImageHeader.js';
export { sampleIndices } from './sampleIndices.js';
export { MAX_HISTOGRAM_BINS, summaryStats } from './summaryStats.js';
export type { HistogramBin, SummaryStats } from './summaryStats.js';

export default datasetStatsPlugin;
