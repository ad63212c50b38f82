export { exportOnnx } from './exportOnnx.js';
export type { OnnxExportResult } from './exportOnnx.js';
export { DEFAULT_OPSET, INPUT_NAME, OUTPUT_NAME, layersModelToOnnx } from './layersModelToOnnx.js';
export type { OnnxConversionOptions, OnnxExportMetadata } from './layersModelToOnnx.js';
export { encodeOnnxModel, OnnxDataType } from './onnxProto.js';
export type { OnnxAttribute, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnxProto.js';
export { runOnnxModel } from './runOnnxModel.js';
export { verifyOnnxExport } from './verifyOnnxExport.js';
export type { OnnxVerification, VerifyOptions } from './verifyOnnxExport.js';
