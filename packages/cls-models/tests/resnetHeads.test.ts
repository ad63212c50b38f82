import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '@nextplay/cls-backend-wasm';
import {
  RESNET_ARCHITECTURES,
  buildResNet,
  ctcLoss,
  digitsHead,
  sequenceHead,
  type ResNetSpec,
} from '../src/index.js';

const tiny: ResNetSpec = {
  ...RESNET_ARCHITECTURES.resnet18,
  numClasses: 100,
  imageSize: [32, 48],
  channels: 1,
  planes: [4, 8, 8, 8],
  stemChannels: 4,
  seed: 3,
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function shapes(spec: ResNetSpec, images: tf.Tensor4D): number[][] {
  const model = buildResNet(spec);
  const outputs = model.predict(images);
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const result = list.map((output) => output.shape);
  tf.dispose(list);
  model.dispose();
  return result;
}

describe('buildResNet heads', () => {
  let images: tf.Tensor4D;
  beforeAll(() => {
    images = tf.randomUniform<tf.Rank.R4>([2, 32, 48, 1]);
  });

  it('linear keeps one [N, numClasses] output over a [height, width] input', () => {
    expect(shapes(tiny, images)).toEqual([[2, 100]]);
    expect(buildResNet(tiny).outputNames).toEqual(['fc']);
  });

  it('digits gives tens [N, 11] and units [N, 10]', () => {
    const model = buildResNet({ ...tiny, head: digitsHead });
    expect(model.outputNames).toEqual(['tens', 'units']);
    expect(shapes({ ...tiny, head: digitsHead }, images)).toEqual([
      [2, 11],
      [2, 10],
    ]);
  });

  it('sequence keeps layer2 columns through layer3 and layer4 strided (2, 1)', () => {
    // 48 px wide: stem /2, maxpool /2, layer2 /2 → 6 columns; the (2, 1) strides keep them.
    const model = buildResNet({ ...tiny, head: sequenceHead });
    expect(model.outputNames).toEqual(['columns']);
    expect(shapes({ ...tiny, head: sequenceHead }, images)).toEqual([[2, 6, 11]]);
  });
});

describe('training a sequence head', () => {
  // The engine's wasm kernels must take the (2, 1) strides and the height pooling the way tfjs's cpu ops do.
  it('gives the same CTC loss and gradients on wasm as on cpu', async () => {
    const results: { loss: number; gradient: Float32Array }[] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      if (backend === 'wasm') registerWasmTrainingKernels();
      const model = buildResNet({ ...tiny, head: sequenceHead });
      const images = tf.randomUniform<tf.Rank.R4>([2, 32, 48, 1], 0, 1, 'float32', 5);
      const { value, grads } = tf.variableGrads(() =>
        ctcLoss(model.apply(images, { training: true }) as tf.Tensor3D, [[3, 8], [1]]),
      );
      const stem = Object.entries(grads).find(([name]) => name.startsWith('conv1'));
      results.push({ loss: value.dataSync()[0] ?? NaN, gradient: stem?.[1].dataSync() as Float32Array });
      tf.dispose([value, images, ...Object.values(grads)]);
      model.dispose();
    }
    const [cpu, wasm] = results;
    expect(cpu?.gradient.length).toBe(7 * 7 * 1 * 4);
    expect(Number.isFinite(cpu?.loss)).toBe(true);
    expect(wasm?.loss).toBeCloseTo(cpu?.loss ?? NaN, 3);
    const scale = Math.max(...Array.from(cpu?.gradient ?? [], Math.abs));
    Array.from(wasm?.gradient ?? []).forEach((value, i) => {
      expect(Math.abs(value - (cpu?.gradient[i] ?? NaN))).toBeLessThan(1e-3 * scale + 1e-6);
    });
    await tf.setBackend('cpu');
  });
});
