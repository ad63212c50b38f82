import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  RESNET_ARCHITECTURES,
  buildResNet,
  torchvisionPermutation,
  torchvisionStateDictKey,
} from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('torchvisionStateDictKey', () => {
  it('maps tfjs variable names to torchvision state_dict keys', () => {
    expect(torchvisionStateDictKey('conv1/kernel')).toBe('conv1.weight');
    expect(torchvisionStateDictKey('layer1.0.bn1/gamma')).toBe('layer1.0.bn1.weight');
    expect(torchvisionStateDictKey('layer1.0.bn1/beta_3')).toBe('layer1.0.bn1.bias');
    expect(torchvisionStateDictKey('layer2.0.downsample.1/moving_mean')).toBe(
      'layer2.0.downsample.1.running_mean',
    );
    expect(torchvisionStateDictKey('layer2.0.downsample.1/moving_variance_1')).toBe(
      'layer2.0.downsample.1.running_var',
    );
    expect(torchvisionStateDictKey('fc/bias')).toBe('fc.bias');
    expect(torchvisionStateDictKey('fc/unknown')).toBeNull();
    expect(torchvisionStateDictKey('kernel')).toBeNull();
  });

  it('covers every resnet18 weight with a distinct key (torchvision: 122 entries, 20 of them num_batches_tracked)', () => {
    const model = buildResNet({ ...RESNET_ARCHITECTURES.resnet18, numClasses: 1000, imageSize: 32, seed: 1 });
    // A second model makes tfjs suffix the variable names; the keys must not change.
    const twin = buildResNet({ ...RESNET_ARCHITECTURES.resnet18, numClasses: 1000, imageSize: 32, seed: 1 });
    const keys = model.weights.map((w) => torchvisionStateDictKey(w.name));
    const twinKeys = twin.weights.map((w) => torchvisionStateDictKey(w.name));
    expect(twin.weights[0]?.name).not.toBe(model.weights[0]?.name);
    expect(twinKeys).toEqual(keys);
    expect(keys).not.toContain(null);
    expect(new Set(keys).size).toBe(102);
    expect(keys).toContain('layer4.1.bn2.running_var');
    expect(keys).toContain('layer3.0.downsample.0.weight');
    model.dispose();
    twin.dispose();
  });

  it('permutes tfjs layouts into torch layouts', () => {
    const hwio = tf.zeros([7, 5, 3, 64]);
    expect(tf.transpose(hwio, torchvisionPermutation(4)).shape).toEqual([64, 3, 7, 5]);
    expect(torchvisionPermutation(2)).toEqual([1, 0]);
    expect(torchvisionPermutation(1)).toEqual([0]);
    hwio.dispose();
  });
});
