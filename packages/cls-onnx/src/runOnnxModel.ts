import { InferenceSession, Tensor } from 'onnxruntime-node';
import { INPUT_NAME, OUTPUT_NAME } from './layersModelToOnnx.js';

/** Runs an exported classifier once in onnxruntime (CPU): NCHW float32 `input` → flat `logits` and their dims. */
export async function runOnnxModel(
  onnx: Uint8Array,
  input: Float32Array,
  shape: readonly number[],
): Promise<{ logits: Float32Array; dims: readonly number[] }> {
  // One run to check the graph: 'basic' (constant folding) opens a ResNet in ~0.15 s, the default 'all' (fusions
  // that pay off over many runs) in 0.4–1.1 s, which would dominate the check's cost.
  const session = await InferenceSession.create(onnx, { graphOptimizationLevel: 'basic' });
  try {
    const results = await session.run({ [INPUT_NAME]: new Tensor('float32', input, shape) });
    const logits = results[OUTPUT_NAME];
    if (logits === undefined) throw new Error(`onnxruntime returned no ${OUTPUT_NAME}`);
    return { logits: logits.data as Float32Array, dims: logits.dims };
  } finally {
    await session.release();
  }
}
