import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { median, timedRuns } from './timedRuns.js';

export interface Throughput {
  readonly imagesPerSecond: number;
  readonly runs: number;
}

/** The fixed input shape of a model without the batch axis (`[height, width, channels]` for an NHWC image). */
export function fixedInputShape(model: LayersModel): number[] {
  const [input] = model.inputs;
  const dims = input?.shape.slice(1) ?? [];
  if (input === undefined || dims.some((dim) => dim == null)) {
    throw new Error(`model ${model.name} has no input of fixed size`);
  }
  return dims as number[];
}

/**
 * Inference throughput of `model` on the current tfjs backend at `batchSize`: `predict` on one random batch (in
 * inference mode), waiting for the logits to be read back, as `batchSize` / the median run time.
 */
export async function measureThroughput(
  model: LayersModel,
  batchSize: number,
  deadline: number,
): Promise<Throughput> {
  const input = tf.randomUniform([batchSize, ...fixedInputShape(model)], 0, 1, 'float32', 0);
  try {
    const durations = await timedRuns(async () => {
      const outputs = [model.predict(input, { batchSize })].flat();
      try {
        await Promise.all(outputs.map((output) => output.data()));
      } finally {
        tf.dispose(outputs);
      }
    }, deadline);
    return { imagesPerSecond: (batchSize * 1000) / median(durations), runs: durations.length };
  } finally {
    input.dispose();
  }
}
