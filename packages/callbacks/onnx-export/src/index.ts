import { onnxExportPlugin } from './onnxExportPlugin.js';

export { onnxExportPlugin, onnxExportPlugins } from './onnxExportPlugin.js';
export { ONNX_DIR, OnnxExportCallback } from './onnxExportCallback.js';
export { preprocessDescription } from './onnxSidecar.js';
export type { OnnxSidecar, WeightsSource } from './onnxSidecar.js';
export { compareWithTfjs } from './compareWithTfjs.js';
export type { OnnxComparison } from './compareWithTfjs.js';
export { loadComparisonBatch, randomComparisonBatch } from './comparisonBatch.js';
export type { ComparisonBatch } from './comparisonBatch.js';
export { ONNX_EXPORT_DEFAULTS, ONNX_OPSET_RANGE, onnxExportOptionsSchema } from './onnxExportOptions.js';
export type { OnnxExportOptions, ResolvedOnnxExportOptions } from './onnxExportOptions.js';

export default onnxExportPlugin;
