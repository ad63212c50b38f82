export {
  createRecordingTrainerContext,
  readRecordedCheckpoint,
  RecordingTrainerContext,
} from './recordingTrainerContext.js';
export type {
  LoggedMessage,
  LoggedMetric,
  RecordedCheckpoint,
  RecordingTrainerContextOptions,
} from './recordingTrainerContext.js';
export { runEpochs } from './runEpochs.js';
export type { EpochMetrics, RunEpochsOptions } from './runEpochs.js';
export { pluginOptionDefaults, validatePluginOptions } from './pluginOptions.js';
export type { PluginOptionsValidation, PluginWithOptionsSchema } from './pluginOptions.js';
export { createCallbackFromPlugin } from './createCallbackFromPlugin.js';
export { findPython, runPython } from './referencePython.js';
export {
  findChromium,
  launchChromium,
  openOffline,
  pageContent,
  SKIP_BROWSER_TESTS,
} from './headlessChromium.js';
export type { Browser, Page, PageContent, PageWatch } from './headlessChromium.js';
export { testRunConfig } from './testRunConfig.js';
export type { TestRunConfigOverrides } from './testRunConfig.js';
