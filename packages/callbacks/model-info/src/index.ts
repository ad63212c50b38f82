import { modelInfoPlugin } from './modelInfoPlugin.js';

export { modelInfoPlugin, modelInfoPlugins } from './modelInfoPlugin.js';
export { MODEL_INFO_FILE, ModelInfoCallback } from './modelInfoCallback.js';
export { describeModel, throughputKey } from './modelInfo.js';
export type { BenchmarkInfo, BenchmarkStatus, ModelInfo } from './modelInfo.js';
export { countMacs } from './countMacs.js';
export { countParameters } from './countParameters.js';
export type { ParameterCounts } from './countParameters.js';
export { benchmarkModel } from './benchmarkModel.js';
export type { BenchmarkOptions, Measurements } from './benchmarkModel.js';
export { MODEL_INFO_DEFAULTS, modelInfoOptionsSchema } from './modelInfoOptions.js';
export type { ModelInfoOptions, ResolvedModelInfoOptions } from './modelInfoOptions.js';

export default modelInfoPlugin;
