import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { ClsError } from '@nextplay/cls-core';
import { input, layers, model as functionalModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { guardWasmAllocations, type WasmAllocator, type WasmHeapBackend } from '@nextplay/cls-backend-wasm';
import { assertTrainingStepFits, estimateTrainingStepMemory } from '../src/training/trainingStepMemory.js';

describe('the wasm heap guard', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    guardWasmAllocations((tf.backend() as unknown as { wasm: WasmAllocator }).wasm);
  });

  it('refuses what the 4 GiB heap cannot hold, and the heap stays usable', () => {
    const backend = tf.backend() as WasmHeapBackend;
    const held: tf.TensorInfo[] = [];
    let error: unknown;
    try {
      // 1 GiB each, never written: the heap grows without touching the pages.
      for (let i = 0; i < 6; i++) held.push(backend.makeOutput([2 ** 28], 'float32'));
    } catch (caught) {
      error = caught;
    }
    expect(held.length).toBeGreaterThanOrEqual(2);
    expect(held.length).toBeLessThan(4);
    expect(error).toBeInstanceOf(ClsError);
    expect((error as ClsError).code).toBe('OUT_OF_MEMORY');
    expect((error as ClsError).message).toMatch(
      /^out of memory: the wasm backend could not allocate 1\.00 GiB for a tensor \(its heap has grown to .* of at most 4\.00 GiB\) \(lower data\.batch_size/,
    );
    for (const info of held) backend.disposeData(info.dataId);
    // Before the guard, tfjs wrote the refused tensor at address 0 and the allocator never returned again.
    const sum = tf.tidy(() => tf.sum(tf.add(tf.ones([1000]), tf.ones([1000]))).dataSync()[0]);
    expect(sum).toBe(2000);
  });

  it('refuses a single tensor of 4 GiB or more instead of wrapping its size around 32 bits', () => {
    const backend = tf.backend() as WasmHeapBackend;
    expect(() => backend.makeOutput([2 ** 30 + 8], 'float32')).toThrow(/could not allocate 4\.00 GiB/);
  });
});

describe('the training-step memory estimate', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('counts weights and every layer output of a sample, and names the largest batch that fits', () => {
    const image = input({ shape: [224, 224, 3] });
    const conv = layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same' }).apply(image);
    const pooled = layers.globalAveragePooling2d({}).apply(conv);
    const logits = layers.dense({ units: 10 }).apply(pooled);
    const model = functionalModel({ inputs: image, outputs: logits as SymbolicTensor });
    const parameters = 3 * 3 * 3 * 64 + 64 + 64 * 10 + 10;
    const perSample = (224 * 224 * 3 + 224 * 224 * 64 + 64 + 10) * 4 * 2.5;
    const limitBytes = 2 ** 32;
    const memory = estimateTrainingStepMemory(model, 200, limitBytes);
    expect(memory.bytes).toBe(parameters * 20 + 200 * perSample);
    expect(memory.largestBatch).toBe(Math.floor((limitBytes - parameters * 20) / perSample));
    expect(() => {
      assertTrainingStepFits({ model, batchSize: 200, imageSize: [224, 224], backend: 'wasm', limitBytes });
    }).toThrow(
      `out of memory: a training step at 224x224 with data.batch_size=200 needs about 6.3 GiB, more than the wasm backend's 4.0 GiB (set data.batch_size=${memory.largestBatch} or lower`,
    );
    expect(() => {
      assertTrainingStepFits({ model, batchSize: 64, imageSize: [224, 224], backend: 'wasm', limitBytes });
    }).not.toThrow();
    expect(() => {
      assertTrainingStepFits({
        model,
        batchSize: 4096,
        imageSize: [224, 224],
        backend: 'tensorflow',
        limitBytes: undefined,
      });
    }).not.toThrow();
    model.dispose();
  });
});
