import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
import { assert, describe, expect, it } from 'vitest';
import defaultExport, {
  ONNX_EXPORT_DEFAULTS,
  OnnxExportCallback,
  onnxExportPlugin,
  onnxExportPlugins,
} from '../src/index.js';

describe('onnxExportPlugin', () => {
  it('is the default export and registers as callbacks.onnx_export', async () => {
    expect(defaultExport).toBe(onnxExportPlugin);
    expect(onnxExportPlugins).toEqual([onnxExportPlugin]);
    const callback = await createCallbackFromPlugin(onnxExportPlugin, { last: false, compare_images: 4 });
    assert(callback instanceof OnnxExportCallback);
    expect([callback.name, callback.failure, callback.options]).toEqual([
      'onnx_export',
      'warn',
      { best: true, last: false, opset: 17, compare_images: 4 },
    ]);
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    expect(pluginOptionDefaults(onnxExportPlugin)).toEqual(ONNX_EXPORT_DEFAULTS);
    expect(ONNX_EXPORT_DEFAULTS).toEqual({ best: true, last: true, opset: 17, compare_images: 16 });
  });

  it.each([
    { opset: 12 },
    { opset: 18 },
    { opset: 16.5 },
    { compare_images: 0 },
    { best: 'yes' },
    { format: 'onnx' },
  ])('schema rejects %j', (node) => {
    expect(validatePluginOptions(onnxExportPlugin, node).valid).toBe(false);
  });
});
