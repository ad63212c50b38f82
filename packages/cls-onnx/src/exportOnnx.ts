import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { readWeightsToHost } from '@nextplay/cls-core';
import { layersModelToOnnx, type OnnxConversionOptions } from './layersModelToOnnx.js';
import { verifyOnnxExport, type OnnxVerification } from './verifyOnnxExport.js';

export interface OnnxExportResult {
  readonly path: string;
  readonly bytes: number;
  readonly verification: OnnxVerification;
}

/**
 * Converts the model to ONNX, checks it in onnxruntime against TensorFlow.js (see `verifyOnnxExport`), and only
 * then writes it to `path`.
 */
export async function exportOnnx(
  model: LayersModel,
  path: string,
  options: OnnxConversionOptions = {},
): Promise<OnnxExportResult> {
  await readWeightsToHost(model);
  const onnx = layersModelToOnnx(model, options);
  const verification = await verifyOnnxExport(model, onnx);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, onnx);
  return { path, bytes: onnx.length, verification };
}
