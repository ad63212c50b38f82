import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, BatchOptions, DataSplit } from '@nextplay/cls-core';
import { loadCheckpointModel, loadTrainerState, saveCheckpoint, testCheckpoint } from '../src/index.js';

const CLASSES = ['a', 'b', 'c'];

/** Samples: three features (a 1×1 RGB image) and a label; the model's logits are the features. */
const SAMPLES: readonly (readonly [number, number, number, number])[] = [
  [5, 0, 0, 0], // predicted a, correct
  [0, 5, 0, 0], // predicted b, wrong
  [0, 5, 0, 1], // predicted b, correct
  [0, 0, 5, 1], // predicted c, wrong
  [0, 0, 5, 2], // predicted c, correct
];

function tableSplit(samples: typeof SAMPLES): DataSplit {
  return {
    name: 'test',
    size: samples.length,
    classCounts: CLASSES.map((_, c) => samples.filter((s) => s[3] === c).length),
    async *batches(options: BatchOptions): AsyncIterable<Batch> {
      for (let start = 0; start < samples.length; start += options.batchSize) {
        const picked = samples.slice(start, start + options.batchSize);
        await Promise.resolve();
        yield {
          images: Float32Array.from(picked.flatMap((s) => [s[0], s[1], s[2]])),
          labels: Int32Array.from(picked.map((s) => s[3])),
          shape: [picked.length, 1, 1, 3],
        };
      }
    },
  };
}

/** logits = features · [I₃ | 0]: one output per feature, then `extra` outputs that are always 0. */
function identityModel(outputs: number): tfl.LayersModel {
  const input = tfl.input({ shape: [1, 1, 3] });
  const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: outputs }).apply(flat) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: logits });
  const kernel = Array.from({ length: 3 }, (_, r) =>
    Array.from({ length: outputs }, (_, c) => (r === c ? 1 : 0)),
  );
  model.setWeights([tf.tensor2d(kernel), tf.zeros([outputs])]);
  return model;
}

/** −log softmax(logits)[label] */
function crossEntropy(logits: readonly number[], label: number): number {
  const sum = logits.reduce((s, v) => s + Math.exp(v), 0);
  return -Math.log(Math.exp(logits[label] ?? NaN) / sum);
}

let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'cls-engine-test-ckpt-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('testCheckpoint', () => {
  it("reports fit's test metrics and per-class scores of a model loaded from a checkpoint", async () => {
    const saved = identityModel(3);
    const checkpoint = join(dir, 'three');
    await saveCheckpoint(saved, checkpoint, {
      epoch: 0,
      global_step: 0,
      metrics: {},
      classes: CLASSES,
      model: {},
      image_size: 8,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
    saved.dispose();
    const model = await loadCheckpointModel(checkpoint);
    const { classes } = await loadTrainerState(checkpoint);
    const batches: number[] = [];
    const results = await testCheckpoint(model, tableSplit(SAMPLES), {
      classes,
      batchSize: 2,
      onBatchEnd: (index) => {
        batches.push(index);
      },
    });
    model.dispose();

    expect(batches).toEqual([0, 1, 2]);
    expect(results.numImages).toBe(5);
    const loss = SAMPLES.reduce((sum, s) => sum + crossEntropy([s[0], s[1], s[2]], s[3]), 0) / 5;
    expect(Object.keys(results.metrics)).toEqual(['test/loss', 'test/acc', 'test/f1_macro']);
    expect(results.metrics['test/loss']).toBeCloseTo(loss, 5);
    expect(results.metrics['test/acc']).toBeCloseTo(3 / 5, 12);
    expect(results.metrics['test/f1_macro']).toBeCloseTo((2 / 3 + 1 / 2 + 2 / 3) / 3, 12);
    expect(results.perClass).toEqual({
      a: { precision: 1, recall: 0.5, f1: 2 / 3, support: 2 },
      b: { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 },
      c: { precision: 0.5, recall: 1, f1: 2 / 3, support: 1 },
    });
  });

  it('honours limit_test_batches and reports top-5 accuracy with five or more outputs', async () => {
    const model = identityModel(5);
    const results = await testCheckpoint(model, tableSplit(SAMPLES), {
      classes: CLASSES,
      batchSize: 2,
      limitBatches: 1,
    });
    model.dispose();
    expect(results.numImages).toBe(2);
    expect(results.metrics['test/acc']).toBeCloseTo(1 / 2, 12);
    // Every label is among the top five of five outputs.
    expect(results.metrics['test/acc_top5']).toBe(1);
    expect(Object.keys(results.perClass)).toEqual(['a', 'b', 'c']);
  });

  it('refuses a model with fewer outputs than classes, and a split without images', async () => {
    const small = identityModel(2);
    await expect(
      testCheckpoint(small, tableSplit(SAMPLES), { classes: CLASSES, batchSize: 2 }),
    ).rejects.toThrow('the model has 2 outputs but the dataset has 3 classes');
    small.dispose();
    const model = identityModel(3);
    await expect(testCheckpoint(model, tableSplit([]), { classes: CLASSES, batchSize: 2 })).rejects.toThrow(
      'the test split yielded no images to test on',
    );
    model.dispose();
  });
});
