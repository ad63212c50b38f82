import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { readWeightsToHost } from '@nextplay/cls-core';
import { layersModelToOnnx } from '@nextplay/cls-onnx';
import type { LayersModel } from '@tensorflow/tfjs-layers';

export interface OnnxSource {
  /** The file's path (ONNX Runtime reads it itself, without a copy in JavaScript), or the model's bytes. */
  readonly model: string | Uint8Array;
  /** `onnx/last.onnx`, `onnx/best.onnx` or `converted in memory`. */
  readonly name: string;
}

/** Files onnx_export writes at fit end, relative to the run directory; either has the run's architecture. */
const EXPORTED = ['onnx/last.onnx', 'onnx/best.onnx'] as const;

/** The run's exported ONNX model when onnx_export wrote one, else `model` converted in memory. */
export async function onnxModelFor(runDir: string, model: LayersModel): Promise<OnnxSource> {
  for (const name of EXPORTED) {
    const path = join(runDir, name);
    try {
      await access(path);
      return { model: path, name };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  await readWeightsToHost(model);
  return { model: layersModelToOnnx(model), name: 'converted in memory' };
}
