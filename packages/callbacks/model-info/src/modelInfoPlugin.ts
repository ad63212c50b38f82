import { definePlugin } from '@nextplay/cls-core';
import { ModelInfoCallback } from './modelInfoCallback.js';
import { modelInfoOptionsSchema, type ModelInfoOptions } from './modelInfoOptions.js';

export const modelInfoPlugin = definePlugin<'callback', ModelInfoOptions>({
  kind: 'callback',
  name: 'model_info',
  package: '@nextplay/cls-callback-model-info',
  description:
    'Writes model_info.json: parameters, multiply-accumulates per image and weights size at fit start, then ' +
    'inference throughput and ONNX Runtime latency at fit end.',
  optionsSchema: modelInfoOptionsSchema,
  create: (options) => new ModelInfoCallback(options),
});

export const modelInfoPlugins = [modelInfoPlugin] as const;
