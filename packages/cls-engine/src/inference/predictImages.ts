import * as tf from '@tensorflow/tfjs-core';
import type { Batch, ClassifierModel, ModelHead } from '@nextplay/cls-core';
import { applyModel } from '../training/steps.js';

/** Normalized NHWC float32 pixels of some images, as the data pipeline prepares them (no labels). */
export type ImageBatch = Pick<Batch, 'images' | 'shape'>;

/** One of an image's most likely classes. */
export interface ClassScore {
  readonly index: number;
  /** The class name, or the index as a string for an output the class list does not name. */
  readonly name: string;
  /** Softmax probability. */
  readonly confidence: number;
}

export interface PredictImagesOptions {
  /** Class names, indexed like the model's outputs. */
  readonly classes: readonly string[];
  /** Classes per image, most confident first; at most the number of model outputs. */
  readonly topK: number;
  /**
   * The model's head. One that does not rank classes (a digit head) gives each image its one reading, e.g. "47" (a
   * number no class may name; `index` is then `classes.length`) with the product of its digits' probabilities.
   */
  readonly head?: ModelHead;
}

/**
 * Runs the model in inference mode over image batches and returns, for every image in input order, its `topK`
 * classes with their softmax confidences.
 */
export async function predictImages(
  model: ClassifierModel,
  batches: AsyncIterable<ImageBatch> | Iterable<ImageBatch>,
  options: PredictImagesOptions,
): Promise<ClassScore[][]> {
  const { topK, classes, head } = options;
  if (head !== undefined && head.countTopK === undefined)
    return readImages(model, batches, head, classes, topK);
  const outputs = model.outputs[0]?.shape[1] ?? 0;
  if (!Number.isInteger(topK) || topK < 1 || topK > outputs) {
    throw new RangeError(`topK must be an integer in [1, ${outputs}] (the model's outputs), got ${topK}`);
  }
  const predictions: ClassScore[][] = [];
  for await (const batch of batches) {
    const [values, indices] = tf.tidy(() => {
      const images = tf.tensor4d(batch.images, [...batch.shape]);
      const logits = model.apply(images, { training: false }) as tf.Tensor2D;
      const best = tf.topk(tf.softmax(logits), topK, true);
      return [best.values, best.indices];
    });
    try {
      const [confidences, classIndices] = await Promise.all([values.data(), indices.data()]);
      for (let image = 0; image < batch.shape[0]; image++) {
        const scores: ClassScore[] = [];
        for (let rank = 0; rank < topK; rank++) {
          const index = classIndices[image * topK + rank] ?? -1;
          const confidence = confidences[image * topK + rank] ?? NaN;
          scores.push({ index, name: classes[index] ?? String(index), confidence });
        }
        predictions.push(scores);
      }
    } finally {
      tf.dispose([values, indices]);
    }
  }
  return predictions;
}

/** Each image's one reading by a head that does not rank classes. */
async function readImages(
  model: ClassifierModel,
  batches: AsyncIterable<ImageBatch> | Iterable<ImageBatch>,
  head: ModelHead,
  classes: readonly string[],
  topK: number,
): Promise<ClassScore[][]> {
  if (topK !== 1) {
    throw new RangeError(
      `topK must be 1 with a ${head.name} head: it reads one number per image, got ${topK}`,
    );
  }
  const predictions: ClassScore[][] = [];
  for await (const batch of batches) {
    const outputs = tf.tidy(() => applyModel(model, tf.tensor4d(batch.images, [...batch.shape]), false));
    try {
      const readings = await head.read(outputs, classes);
      readings.labels.forEach((name, i) => {
        predictions.push([
          { index: readings.predicted[i] ?? -1, name, confidence: readings.confidence[i] ?? NaN },
        ]);
      });
    } finally {
      tf.dispose(outputs);
    }
  }
  return predictions;
}
