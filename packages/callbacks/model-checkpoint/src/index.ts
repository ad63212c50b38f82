import { modelCheckpointPlugin } from './modelCheckpointPlugin.js';

export { modelCheckpointPlugin, modelCheckpointPlugins } from './modelCheckpointPlugin.js';
export { ModelCheckpoint } from './modelCheckpoint.js';
export { modelCheckpointStateFromJson, modelCheckpointStateToJson } from './modelCheckpointState.js';
export type { ModelCheckpointState, RankedCheckpoint } from './modelCheckpointState.js';
export {
  MODEL_CHECKPOINT_DEFAULTS,
  modelCheckpointOptionsSchema,
  resolveModelCheckpointOptions,
} from './modelCheckpointOptions.js';
export type { ModelCheckpointOptions, ResolvedModelCheckpointOptions } from './modelCheckpointOptions.js';
export { parseCheckpointFilename } from './checkpointFilename.js';
export type { CheckpointFilename } from './checkpointFilename.js';

export default modelCheckpointPlugin;
