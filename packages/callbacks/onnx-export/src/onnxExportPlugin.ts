import { definePlugin } from '@nextplay/cls-core';
import { OnnxExportCallback } from './onnxExportCallback.js';
import { onnxExportOptionsSchema, type OnnxExportOptions } from './onnxExportOptions.js';

export const onnxExportPlugin = definePlugin<'callback', OnnxExportOptions>({
  kind: 'callback',
  name: 'onnx_export',
  package: '@nextplay/cls-callback-onnx-export',
  description:
    'Exports the best and last models to onnx/{best,last}.onnx at fit end, each with a JSON sidecar (classes, preprocessing, ONNX Runtime vs TensorFlow.js difference).',
  optionsSchema: onnxExportOptionsSchema,
  create: (options) => new OnnxExportCallback(options),
});

export const onnxExportPlugins = [onnxExportPlugin] as const;
