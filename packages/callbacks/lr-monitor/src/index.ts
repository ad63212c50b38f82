import { lrMonitorPlugin } from './lrMonitorPlugin.js';

export { lrMonitorPlugin, lrMonitorPlugins } from './lrMonitorPlugin.js';
export { LearningRateMonitor } from './learningRateMonitor.js';
export { LR_MONITOR_DEFAULTS, lrMonitorOptionsSchema } from './lrMonitorOptions.js';
export type {
  LearningRateMonitorOptions,
  LoggingInterval,
  ResolvedLearningRateMonitorOptions,
} from './lrMonitorOptions.js';

export default lrMonitorPlugin;
