import { definePlugin } from '@nextplay/cls-core';
import { ModelCheckpoint } from './modelCheckpoint.js';
import { modelCheckpointOptionsSchema, type ModelCheckpointOptions } from './modelCheckpointOptions.js';

export const modelCheckpointPlugin = definePlugin<'callback', ModelCheckpointOptions>({
  kind: 'callback',
  name: 'model_checkpoint',
  package: '@nextplay/cls-callback-model-checkpoint',
  description: 'Keeps the top-k checkpoints by a monitored metric, plus <dirpath>/best and <dirpath>/last.',
  optionsSchema: modelCheckpointOptionsSchema,
  create: (options) => new ModelCheckpoint(options),
});

export const modelCheckpointPlugins = [modelCheckpointPlugin] as const;
