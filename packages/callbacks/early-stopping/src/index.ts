import { earlyStoppingPlugin } from './earlyStoppingPlugin.js';

export { earlyStoppingPlugin, earlyStoppingPlugins } from './earlyStoppingPlugin.js';
export { EarlyStopping } from './earlyStopping.js';
export {
  EARLY_STOPPING_DEFAULTS,
  earlyStoppingOptionsSchema,
  resolveEarlyStoppingOptions,
} from './earlyStoppingOptions.js';
export type { EarlyStoppingOptions, ResolvedEarlyStoppingOptions } from './earlyStoppingOptions.js';
export { earlyStoppingStateFromJson, earlyStoppingStateToJson } from './earlyStoppingState.js';
export type { EarlyStoppingState } from './earlyStoppingState.js';
export { evaluateStopping, formatScore, initialStoppingState } from './stoppingCriteria.js';
export type { StoppingDecision, StoppingState } from './stoppingCriteria.js';

export default earlyStoppingPlugin;
