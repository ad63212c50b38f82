import { confusionMatrixPlugin } from './confusionMatrixPlugin.js';

export { confusionMatrixPlugin, confusionMatrixPlugins } from './confusionMatrixPlugin.js';
export { ConfusionMatrixCallback, epochFileStem } from './confusionMatrixCallback.js';
export { confusionCounts, mostConfusedPairs } from './confusionCounts.js';
export type { ConfusedPair, ConfusionCounts } from './confusionCounts.js';
export { confusionMatrixChart } from './confusionMatrixChart.js';
export type { ConfusionMatrixChartOptions } from './confusionMatrixChart.js';
export { confusionMatrixFromCsv, confusionMatrixToCsv } from './confusionMatrixCsv.js';
export { CONFUSION_MATRIX_DEFAULTS, confusionMatrixOptionsSchema } from './confusionMatrixOptions.js';
export type { ConfusionMatrixOptions, ResolvedConfusionMatrixOptions } from './confusionMatrixOptions.js';

export default confusionMatrixPlugin;
