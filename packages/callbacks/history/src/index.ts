import { historyPlugin } from './historyPlugin.js';

export { historyPlugin, historyPlugins } from './historyPlugin.js';
export { HistoryCallback } from './historyCallback.js';
export { EpochHistory, HISTORY_METRICS } from './epochHistory.js';
export type { EpochMetrics, HistoryMetric } from './epochHistory.js';
export { historyChart } from './historyChart.js';
export { HISTORY_DEFAULTS, historyOptionsSchema } from './historyOptions.js';
export type { HistoryOptions, ResolvedHistoryOptions } from './historyOptions.js';

export default historyPlugin;
