import { emaPlugin } from './emaPlugin.js';

export { emaPlugin, emaPlugins } from './emaPlugin.js';
export { CHECKPOINT_METRIC_PREFIX, EMA_METRIC_PREFIX, ModelEma } from './modelEma.js';
export { emaDecay } from './emaDecay.js';
export type { EmaDecaySchedule } from './emaDecay.js';
export { EMA_DEFAULTS, emaOptionsSchema, resolveEmaOptions } from './emaOptions.js';
export type { EmaCheckpointWeights, EmaOptions, ResolvedEmaOptions } from './emaOptions.js';

export default emaPlugin;
