import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictImages, type ImageBatch } from '../src/index.js';

/** logits = the image's three pixel values (a 1×1 RGB image), then a fourth output fixed at `fourth`. */
function featureModel(fourth: number): tfl.LayersModel {
  const input = tfl.input({ shape: [1, 1, 3] });
  const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: 4 }).apply(flat) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: logits });
  const kernel = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
  ];
  model.setWeights([tf.tensor2d(kernel), tf.tensor1d([0, 0, 0, fourth])]);
  return model;
}

function softmax(logits: readonly number[]): number[] {
  const exps = logits.map((v) => Math.exp(v));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function batch(...images: (readonly [number, number, number])[]): ImageBatch {
  return { images: Float32Array.from(images.flat()), shape: [images.length, 1, 1, 3] };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('predictImages', () => {
  it('gives every image, in order across batches, its top-k classes with softmax confidences', async () => {
    const model = featureModel(-1);
    const images: (readonly [number, number, number])[] = [
      [3, 1, 0],
      [0, 2, 4],
      [1, 5, 2],
    ];
    async function* batches(): AsyncIterable<ImageBatch> {
      await Promise.resolve();
      yield batch(images[0]!, images[1]!);
      yield batch(images[2]!);
    }
    const predictions = await predictImages(model, batches(), { classes: ['r', 'g', 'b'], topK: 2 });
    model.dispose();

    expect(predictions.map((p) => p.map((s) => s.name))).toEqual([
      ['r', 'g'],
      ['b', 'g'],
      ['g', 'b'],
    ]);
    images.forEach((pixels, i) => {
      const probabilities = softmax([...pixels, -1]);
      for (const score of predictions[i]!) {
        expect(score.confidence).toBeCloseTo(probabilities[score.index]!, 6);
      }
    });
  });

  it('names an output the class list lacks by its index, and checks top_k', async () => {
    const model = featureModel(10);
    const [only] = await predictImages(model, [batch([1, 2, 3])], { classes: ['r', 'g', 'b'], topK: 1 });
    expect(only?.map(({ index, name }) => ({ index, name }))).toEqual([{ index: 3, name: '3' }]);
    expect(only?.[0]?.confidence).toBeCloseTo(softmax([1, 2, 3, 10])[3]!, 6);
    await expect(predictImages(model, [], { classes: [], topK: 5 })).rejects.toThrow(
      "topK must be an integer in [1, 4] (the model's outputs), got 5",
    );
    model.dispose();
  });
});
