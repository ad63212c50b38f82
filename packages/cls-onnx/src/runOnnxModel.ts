import { InferenceSession, Tensor } from 'onnxruntime-node';
import { INPUT_NAME } from './layersModelToOnnx.js';

/** One output of a graph run: its name, values and dims. */
export interface OnnxOutput {
  readonly name: string;
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/**
 * Runs an exported classifier once in onnxruntime (CPU): NCHW float32 `input` → every output in graph order, and
 * `logits`, their values one output after the other (a classifier's one `logits` output, or `tens` then `units`),
 * with the first output's dims.
 */
export async function runOnnxModel(
  onnx: Uint8Array,
  input: Float32Array,
  shape: readonly number[],
): Promise<{ logits: Float32Array; dims: readonly number[]; outputs: OnnxOutput[] }> {
  // One run to check the graph as written: without graph optimizations a ResNet-18 session opens in ~0.1–0.2 s,
  // with 'basic' (constant folding) in ~0.3–0.4 s and the default 'all' (fusions that pay off over many runs) in
  // 0.4–1.1 s, which would dominate the check's cost.
  const session = await InferenceSession.create(onnx, { graphOptimizationLevel: 'disabled' });
  try {
    const results = await session.run({ [INPUT_NAME]: new Tensor('float32', input, shape) });
    const outputs = session.outputNames.map((name): OnnxOutput => {
      const output = results[name];
      if (output === undefined) throw new Error(`onnxruntime returned no ${name}`);
      return { name, data: output.data as Float32Array, dims: output.dims };
    });
    const logits = new Float32Array(outputs.reduce((n, output) => n + output.data.length, 0));
    let offset = 0;
    for (const output of outputs) {
      logits.set(output.data, offset);
      offset += output.data.length;
    }
    return { logits, dims: outputs[0]?.dims ?? [], outputs };
  } finally {
    await session.release();
  }
}
