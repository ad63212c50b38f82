import { progressBarPlugin } from './progressBarPlugin.js';

export { progressBarPlugin, progressBarPlugins } from './progressBarPlugin.js';
export { ProgressBar } from './progressBar.js';
export type { ProgressBarIO } from './progressBar.js';
export { PROGRESS_BAR_DEFAULTS, progressBarOptionsSchema } from './progressBarOptions.js';
export type { ProgressBarOptions, ResolvedProgressBarOptions } from './progressBarOptions.js';
export { PlainProgressRenderer } from './plainProgressRenderer.js';
export { TtyProgressRenderer } from './ttyProgressRenderer.js';
export type { ProgressRenderer, ProgressStream } from './progressRenderer.js';
export { formatLearningRate, formatMetrics, formatSignificant } from './progressFormat.js';

export default progressBarPlugin;
