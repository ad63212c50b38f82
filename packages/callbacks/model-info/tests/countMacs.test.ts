import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  input,
  layers,
  model,
  sequential,
  type LayersModel,
  type SymbolicTensor,
} from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countMacs, countParameters, describeModel } from '../src/index.js';

const built: LayersModel[] = [];

function functional(inputs: SymbolicTensor, outputs: SymbolicTensor): LayersModel {
  const result = model({ inputs, outputs });
  built.push(result);
  return result;
}

function apply(layer: { apply(x: SymbolicTensor): unknown }, x: SymbolicTensor): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  for (const m of built.splice(0)) m.dispose();
});

describe('countMacs', () => {
  it('counts conv, depthwise, separable, transposed conv and dense layers from their configs and shapes', () => {
    const image = input({ shape: [8, 8, 3] });
    let x = apply(layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }), image); // 8x8x4
    x = apply(layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 }), x); // 6x6x8
    x = apply(layers.separableConv2d({ filters: 5, kernelSize: 3, depthMultiplier: 2 }), x); // 4x4x5
    x = apply(layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2 }), x); // 8x8x2
    x = apply(layers.batchNormalization(), x);
    x = apply(layers.flatten(), x); // 128
    x = apply(layers.dense({ units: 3 }), x);
    const conv = 8 * 8 * 4 * (3 * 3 * 3);
    const depthwise = 6 * 6 * 8 * (3 * 3);
    // depthMultiplier 2: 16 depthwise channels (read from the layer: tfjs's getConfig() leaves it out).
    const separable = 4 * 4 * 16 * (3 * 3) + 4 * 4 * 16 * 5;
    const transposed = 4 * 4 * 5 * (2 * 2 * 2);
    const dense = 128 * 3;
    expect(countMacs(functional(image, x))).toBe(conv + depthwise + separable + transposed + dense);
  });

  it('counts 1-D convolutions, channels-first convolutions and dense layers over sequences', () => {
    const sequence = input({ shape: [10, 3] });
    const conv1d = apply(layers.conv1d({ filters: 2, kernelSize: 3 }), sequence); // 8x2
    expect(countMacs(functional(sequence, conv1d))).toBe(8 * 2 * 3 * 3);
    expect(countMacs(functional(sequence, apply(layers.dense({ units: 4 }), sequence)))).toBe(10 * 3 * 4);
    const planar = input({ shape: [3, 8, 8] });
    const nchw = apply(
      layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', dataFormat: 'channelsFirst' }),
      planar,
    );
    expect(countMacs(functional(planar, nchw))).toBe(8 * 8 * 4 * 27);
  });

  it('opens nested models and counts a shared layer at every application', () => {
    const inner = sequential({ layers: [layers.dense({ inputShape: [6], units: 4 })] });
    const shared = layers.dense({ units: 2 });
    const features = input({ shape: [6] });
    const left = apply(shared, apply(inner, features));
    const right = apply(shared, apply(inner, features));
    const outer = functional(features, apply(layers.add(), [left, right] as unknown as SymbolicTensor));
    expect(countMacs(outer)).toBe(2 * (6 * 4) + 2 * (4 * 2));
    // Shared weights are counted once.
    expect(countParameters(outer).total).toBe(6 * 4 + 4 + 4 * 2 + 2);
    inner.dispose();
  });

  it('is undefined, and macs_per_image null, for a model without a fixed image size', () => {
    const image = input({ shape: [null, null, 3] });
    const any = functional(image, apply(layers.conv2d({ filters: 2, kernelSize: 3 }), image));
    expect(countMacs(any)).toBeUndefined();
    const info = describeModel(any, { arch: 'any', batchSize: 2, benchmark: true, budgetSeconds: 1 });
    expect([info.macs_per_image, info.gmacs, info.input_size]).toEqual([null, null, [null, null, 3]]);
  });
});

describe('countParameters', () => {
  it('counts frozen weights in the total but not as trainable, and leaves out BN running statistics', () => {
    const image = input({ shape: [4, 4, 2] });
    const conv = layers.conv2d({ filters: 3, kernelSize: 1, useBias: false });
    let x = apply(conv, image);
    x = apply(layers.batchNormalization(), x);
    x = apply(layers.globalAveragePooling2d({}), x);
    const net = functional(image, apply(layers.dense({ units: 2 }), x));
    const convWeights = 2 * 3;
    const bnAffine = 2 * 3;
    const bnStatistics = 2 * 3;
    const dense = 3 * 2 + 2;
    expect(countParameters(net)).toEqual({
      total: convWeights + bnAffine + dense,
      trainable: convWeights + bnAffine + dense,
      stored: convWeights + bnAffine + bnStatistics + dense,
    });
    conv.trainable = false;
    expect(countParameters(net)).toMatchObject({
      total: convWeights + bnAffine + dense,
      trainable: bnAffine + dense,
    });
  });
});
