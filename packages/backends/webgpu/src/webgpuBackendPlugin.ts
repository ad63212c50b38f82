import { definePlugin } from '@nextplay/cls-core';
import { WebGpuBackend } from './webgpuBackend.js';

export const webgpuBackendPlugin = definePlugin<'backend', Record<string, unknown>>({
  kind: 'backend',
  name: 'webgpu',
  package: '@nextplay/cls-backend-webgpu',
  description:
    'WebGPU through Dawn (Vulkan on Linux, Metal on macOS, D3D12 on Windows), installed from npm alone; the adapter is named in the log and results.json.',
  optionsSchema: { type: 'object', properties: {}, additionalProperties: false },
  create: (_options, context) => new WebGpuBackend(context.accelerator, context.logger),
});
