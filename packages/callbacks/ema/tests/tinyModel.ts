import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

/** dense(4) → batch norm → dense(2, softmax) on 3 inputs, with seeded initial weights, compiled with SGD. */
export function createTinyModel(): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 4,
        inputShape: [3],
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.batchNormalization({ momentum: 0.5 }),
      tfl.layers.dense({
        units: 2,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  return model;
}

/**
 * One real optimizer step on a batch that differs per `step`; in training mode batch norm also moves its
 * moving mean and variance.
 */
export async function trainStep(model: tfl.LayersModel, step: number): Promise<void> {
  const x = tf.tensor2d(
    Array.from({ length: 12 }, (_, i) => Math.sin(step * 12 + i) * 3),
    [4, 3],
  );
  const y = tf.oneHot(tf.tensor1d([step % 2, 1, 0, (step + 1) % 2], 'int32'), 2);
  await model.trainOnBatch(x, y);
  tf.dispose([x, y]);
}

/** The values of every model weight, in `model.weights` order. */
export function weightValues(model: tfl.LayersModel): Float32Array[] {
  return model.weights.map((variable) => (variable.read().dataSync() as Float32Array).slice());
}

/** The values of `tensors`. */
export function tensorValues(tensors: readonly tf.Tensor[] | undefined): Float32Array[] {
  return (tensors ?? []).map((tensor) => (tensor.dataSync() as Float32Array).slice());
}

/** `average * decay + weight * (1 - decay)` rounded to float32 after each operation, as tfjs computes it. */
export function lerpFloat32(
  average: readonly Float32Array[],
  weights: readonly Float32Array[],
  decay: number,
): Float32Array[] {
  const keep = Math.fround(decay);
  const take = Math.fround(1 - decay);
  return average.map((values, index) => {
    const current = weights[index] ?? new Float32Array();
    return Float32Array.from(values, (value, i) =>
      Math.fround(Math.fround(value * keep) + Math.fround((current[i] ?? Number.NaN) * take)),
    );
  });
}
