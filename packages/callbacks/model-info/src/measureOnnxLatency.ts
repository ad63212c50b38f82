import { InferenceSession, Tensor } from 'onnxruntime-node';
import { median, timedRuns } from './timedRuns.js';

export interface OnnxLatency {
  readonly milliseconds: number;
  readonly runs: number;
}

/** An ONNX Runtime session on the CPU execution provider (default threads and graph optimizations), from a file or bytes. */
export function openOnnxSession(onnx: string | Uint8Array): Promise<InferenceSession> {
  const options: InferenceSession.SessionOptions = { executionProviders: ['cpu'] };
  return typeof onnx === 'string'
    ? InferenceSession.create(onnx, options)
    : InferenceSession.create(onnx, options);
}

/**
 * Latency of one image through an exported classifier: the median of runs timed until `deadline`
 * (`performance.now()`) after a warm-up. `inputShape` is the model's NCHW input with batch 1.
 */
export async function measureOnnxLatency(
  session: InferenceSession,
  inputShape: readonly number[],
  deadline: number,
): Promise<OnnxLatency> {
  const [inputName] = session.inputNames;
  if (inputName === undefined) throw new Error('the ONNX model has no input');
  const elements = inputShape.reduce((size, dim) => size * dim, 1);
  const feeds = { [inputName]: new Tensor('float32', new Float32Array(elements).fill(0.5), inputShape) };
  const durations = await timedRuns(async () => {
    await session.run(feeds);
  }, deadline);
  return { milliseconds: median(durations), runs: durations.length };
}
