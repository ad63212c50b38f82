import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESNET_ARCHITECTURES, buildResNet, type ResNetSpec } from '../src/index.js';

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
  const images = tf.randomUniform<tf.Rank.R4>([2, 32, 48, 1]);

  it('linear keeps one [N, numClasses] output over a [height, width] input', () => {
    expect(shapes(tiny, images)).toEqual([[2, 100]]);
    expect(buildResNet(tiny).outputNames).toEqual(['fc']);
  });

  it('digits gives tens [N, 11] and units [N, 10]', () => {
    const model = buildResNet({ ...tiny, head: 'digits' });
    expect(model.outputNames).toEqual(['tens', 'units']);
    expect(shapes({ ...tiny, head: 'digits' }, images)).toEqual([
      [2, 11],
      [2, 10],
    ]);
  });

  it('sequence keeps layer2 columns through layer3 and layer4 strided (2, 1)', () => {
    // 48 px wide: stem /2, maxpool /2, layer2 /2 → 6 columns; the (2, 1) strides keep them.
    const model = buildResNet({ ...tiny, head: 'sequence' });
    expect(model.outputNames).toEqual(['columns']);
    expect(shapes({ ...tiny, head: 'sequence' }, images)).toEqual([[2, 6, 11]]);
  });
});
