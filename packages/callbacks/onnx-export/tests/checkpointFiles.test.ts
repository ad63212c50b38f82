import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkpointHoldsModel } from '../src/checkpointFiles.js';
import { CheckpointStore, perturbWeights, tinyResNet } from './helpers/fakeRun.js';

let dir: string;
let model: LayersModel;
let store: CheckpointStore;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'checkpoint-files-'));
  model = tinyResNet();
  store = new CheckpointStore();
  await store.save(model, dir, { epoch: 0, global_step: 1 });
});

afterEach(async () => {
  model.dispose();
  store.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('checkpointHoldsModel', () => {
  it('is true for the model the checkpoint was saved from, and for a fresh model with its weights', async () => {
    expect(await checkpointHoldsModel(dir, model)).toBe(true);
    const twin = tinyResNet();
    twin.setWeights(model.getWeights());
    expect(await checkpointHoldsModel(dir, twin)).toBe(true);
    twin.dispose();
  });

  it('is false once a weight moves', async () => {
    perturbWeights(model, 1e-3);
    expect(await checkpointHoldsModel(dir, model)).toBe(false);
  });

  it('is false when one value of weights.bin differs in its last bit', async () => {
    const path = join(dir, 'weights.bin');
    const bytes = await readFile(path);
    bytes[bytes.length - 4]! ^= 1;
    await writeFile(path, bytes);
    expect(await checkpointHoldsModel(dir, model)).toBe(false);
  });

  it('is false for another topology or weight list, a truncated or missing file', async () => {
    const modelJson = join(dir, 'model.json');
    const saved = JSON.parse(await readFile(modelJson, 'utf8')) as {
      modelTopology: { config: { name: string } };
      weightsManifest: { weights: { name: string }[] }[];
    };

    const renamed = structuredClone(saved);
    renamed.modelTopology.config.name = 'another';
    await writeFile(modelJson, JSON.stringify(renamed));
    expect(await checkpointHoldsModel(dir, model)).toBe(false);

    const reordered = structuredClone(saved);
    reordered.weightsManifest[0]!.weights.reverse();
    await writeFile(modelJson, JSON.stringify(reordered));
    expect(await checkpointHoldsModel(dir, model)).toBe(false);

    await writeFile(modelJson, JSON.stringify(saved));
    expect(await checkpointHoldsModel(dir, model)).toBe(true);
    await truncate(join(dir, 'weights.bin'), 8);
    expect(await checkpointHoldsModel(dir, model)).toBe(false);
    await rm(join(dir, 'weights.bin'));
    expect(await checkpointHoldsModel(dir, model)).toBe(false);
    await writeFile(modelJson, 'not json');
    expect(await checkpointHoldsModel(dir, model)).toBe(false);
  });
});
