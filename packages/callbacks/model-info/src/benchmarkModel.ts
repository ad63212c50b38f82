import { performance } from 'node:perf_hooks';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { measureOnnxLatency, openOnnxSession } from './measureOnnxLatency.js';
import { fixedInputShape, measureThroughput } from './measureThroughput.js';
import { throughputKey } from './modelInfo.js';
import type { OnnxSource } from './onnxModelFor.js';

export interface Measurements {
  /** Images per second by `batch_<N>`. */
  readonly throughput: Readonly<Record<string, number>>;
  readonly onnxLatencyMs: number | null;
  readonly onnxModel: string | null;
  /** Why there is no ONNX latency. */
  readonly onnxError: string | null;
  /** Timed runs by measurement. */
  readonly runs: Readonly<Record<string, number>>;
  readonly seconds: number;
}

export interface BenchmarkOptions {
  readonly batchSize: number;
  readonly budgetSeconds: number;
  /** The ONNX model to time; a rejection leaves the latency null with its reason. */
  readonly onnxModel: () => Promise<OnnxSource>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The model's batch-1 NCHW input shape, as the ONNX export takes it. */
function onnxInputShape(model: LayersModel): number[] {
  const [height, width, channels, ...rest] = fixedInputShape(model);
  if (height === undefined || width === undefined || channels === undefined || rest.length > 0) {
    throw new Error(`model ${model.name} does not take [height, width, channels] images`);
  }
  return [1, channels, height, width];
}

/**
 * Measures ONNX Runtime latency at batch 1 and tfjs throughput at batch 1 and `batchSize`, within the budget: the
 * ONNX session is opened first (conversion and graph optimization, a fixed cost), then each measurement gets an
 * equal part of the time left, and makes at least a warm-up and one timed run.
 */
export async function benchmarkModel(model: LayersModel, options: BenchmarkOptions): Promise<Measurements> {
  const start = performance.now();
  const deadline = start + options.budgetSeconds * 1000;
  const batches = [...new Set([1, options.batchSize])];
  let measurementsLeft = batches.length + 1;
  /** When the next measurement should stop: an equal part of the time left. */
  const nextDeadline = (): number => {
    const now = performance.now();
    return now + Math.max(0, deadline - now) / measurementsLeft--;
  };
  const runs: Record<string, number> = {};

  let onnxLatencyMs: number | null = null;
  let onnxModel: string | null = null;
  let onnxError: string | null = null;
  try {
    const inputShape = onnxInputShape(model);
    const source = await options.onnxModel();
    onnxModel = source.name;
    const session = await openOnnxSession(source.model);
    try {
      const latency = await measureOnnxLatency(session, inputShape, nextDeadline());
      onnxLatencyMs = latency.milliseconds;
      runs.onnx_batch_1 = latency.runs;
    } finally {
      // Before the tfjs timings: its idle threads would compete with them.
      await session.release();
    }
  } catch (error) {
    onnxError = messageOf(error);
  }

  // The large batch last: its warm-up and first run may overrun its part, and then no other is cut short.
  const throughput: Record<string, number> = {};
  for (const batch of batches) {
    const measured = await measureThroughput(model, batch, nextDeadline());
    throughput[throughputKey(batch)] = measured.imagesPerSecond;
    runs[`tfjs_${throughputKey(batch)}`] = measured.runs;
  }
  return {
    throughput,
    onnxLatencyMs,
    onnxModel,
    onnxError,
    runs,
    seconds: (performance.now() - start) / 1000,
  };
}
