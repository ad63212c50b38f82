import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { model as functionalModel, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClsError } from '@nextplay/cls-core';
import {
  RESNET_ARCHITECTURES,
  buildResNet,
  countParameters,
  resnetComplexity,
  type ResNetArchName,
  type ResNetSpec,
} from '../src/index.js';
import { maxAbsDifference, referenceConv2d, referenceMaxPool, type Image } from './referenceOps.js';

const built = new Map<string, LayersModel>();

/** Builds a model once per distinct spec (weight init dominates test time); every test leaves it unchanged. */
function build(arch: ResNetArchName, spec: Partial<ResNetSpec> & Pick<ResNetSpec, 'imageSize'>): LayersModel {
  const key = JSON.stringify([arch, spec]);
  const cached = built.get(key);
  if (cached !== undefined) return cached;
  const model = buildResNet({ ...RESNET_ARCHITECTURES[arch], numClasses: 1000, seed: 7, ...spec });
  built.set(key, model);
  return model;
}

function outputShape(model: LayersModel, layer: string): (number | null)[] {
  return model.getLayer(layer).outputShape as (number | null)[];
}

function weight(model: LayersModel, layer: string, index = 0): tf.Tensor {
  const value = model.getLayer(layer).getWeights()[index];
  if (value === undefined) throw new Error(`${layer} has no weight ${index}`);
  return value;
}

function values(model: LayersModel, layer: string, index = 0): Float32Array {
  return weight(model, layer, index).dataSync() as Float32Array;
}

/** Runs the model up to the named layers (inference mode) and returns their outputs as images (batch 1). */
function intermediate(model: LayersModel, names: string[], input: tf.Tensor): Image[] {
  const outputs = names.map((name) => model.getLayer(name).output as SymbolicTensor);
  const probe = functionalModel({ inputs: model.inputs, outputs });
  const prediction = probe.predict(input);
  const results = Array.isArray(prediction) ? prediction : [prediction];
  return results.map((t) => {
    const [, height = 0, width = 0, channels = 0] = t.shape;
    const image = { height, width, channels, data: t.dataSync() as Float32Array };
    t.dispose();
    return image;
  });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  for (const model of built.values()) model.dispose();
});

describe('buildResNet', () => {
  it.each([
    ['resnet18', 11_689_512],
    ['resnet50', 25_557_032],
  ] as const)('%s with 1000 classes has torchvision’s %i parameters', (arch, params) => {
    const model = build(arch, { imageSize: 32 });
    expect(countParameters(model)).toBe(params);
    // tfjs's own count also includes the BatchNorm running statistics.
    expect(model.countParams()).toBeGreaterThan(params);
  });

  it('counts parameters of the built model like resnetComplexity, also for resnet34', () => {
    const model = build('resnet34', { imageSize: 32, numClasses: 7, channels: 1 });
    expect(countParameters(model)).toBe(resnetComplexity('resnet34', 32, 7, 1).params);
  });

  it('counts frozen weights too, as torch.parameters() does', () => {
    const model = build('resnet18', { imageSize: 32 });
    const before = countParameters(model);
    for (const layer of model.layers) layer.trainable = false;
    expect(countParameters(model)).toBe(before);
    for (const layer of model.layers) layer.trainable = true;
  });

  it.each([
    ['resnet18', 28, 2],
    ['resnet18', 32, 2],
    ['resnet18', 64, 2],
    ['resnet50', 28, 2],
    ['resnet50', 32, 2],
  ] as const)('%s maps %i px inputs (batch %i) to [N, numClasses] logits', (arch, size, batch) => {
    const model = build(arch, { imageSize: size });
    const logits = tf.tidy(() => model.predict(tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 1)));
    const tensor = logits as tf.Tensor;
    expect(tensor.shape).toEqual([batch, 1000]);
    expect(Array.from(tensor.dataSync()).every(Number.isFinite)).toBe(true);
    tensor.dispose();
  });

  // Shapes only: a 224 px forward pass on the cpu backend is one synchronous block of ~20 s, which on a busy
  // machine outlasted vitest's 60 s worker RPC timeout (the suite then fails with no test failing).
  it('gives torchvision’s spatial sizes for 224 px inputs, down to [N, 1000] logits', () => {
    const model = build('resnet18', { imageSize: 224 });
    const sides = ['conv1', 'maxpool', 'layer2.1.relu', 'layer3.1.relu', 'layer4.1.relu'].map(
      (name) => outputShape(model, name)[1],
    );
    expect(sides).toEqual([112, 56, 28, 14, 7]);
    expect(outputShape(model, 'fc')).toEqual([null, 1000]);
  });

  it('shrinks 28 px inputs to 1x1 by layer4 without reaching 0', () => {
    const model = build('resnet18', { imageSize: 28 });
    const sides = [
      'conv1',
      'maxpool',
      'layer1.1.relu',
      'layer2.1.relu',
      'layer3.1.relu',
      'layer4.1.relu',
    ].map((name) => outputShape(model, name)[1]);
    expect(sides).toEqual([14, 7, 7, 4, 2, 1]);
  });

  it('gives torchvision’s spatial sizes for odd inputs (33 px: 17 after conv1, 9 after maxpool)', () => {
    const model = build('resnet18', { imageSize: 33, numClasses: 10 });
    expect(outputShape(model, 'conv1')).toEqual([null, 17, 17, 64]);
    expect(outputShape(model, 'maxpool')).toEqual([null, 9, 9, 64]);
    expect(outputShape(model, 'layer2.0.relu')).toEqual([null, 5, 5, 128]);
    expect(outputShape(model, 'layer3.0.relu')).toEqual([null, 3, 3, 256]);
    expect(outputShape(model, 'layer4.0.relu')).toEqual([null, 2, 2, 512]);
    expect(outputShape(model, 'fc')).toEqual([null, 10]);
  });

  // Even sides matter: there tfjs 'same' padding on stride-2 layers would pad bottom/right only.
  it('computes the stem and a strided 3x3 conv with torch’s symmetric padding', () => {
    const model = build('resnet18', { imageSize: 32 });
    const input = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 3);
    const [conv1, relu, maxpool, layer1, layer2conv] = intermediate(
      model,
      ['conv1', 'relu', 'maxpool', 'layer1.1.relu', 'layer2.0.conv1'],
      input,
    );
    const image: Image = { height: 32, width: 32, channels: 3, data: input.dataSync() as Float32Array };
    const stemKernel = weight(model, 'conv1');
    const expectedConv1 = referenceConv2d(image, stemKernel.dataSync() as Float32Array, [7, 7, 3, 64], 2, 3);
    expect([conv1!.height, conv1!.width]).toEqual([16, 16]);
    expect(maxAbsDifference(conv1!.data, expectedConv1.data)).toBeLessThan(1e-4);

    // Zero padding after the ReLU selects the same maxima as torch's -inf padding.
    const expectedPool = referenceMaxPool(relu!, 3, 2, 1);
    expect(maxAbsDifference(maxpool!.data, expectedPool.data)).toBe(0);

    const kernel = weight(model, 'layer2.0.conv1');
    expect(kernel.shape).toEqual([3, 3, 64, 128]);
    const expectedLayer2 = referenceConv2d(layer1!, kernel.dataSync() as Float32Array, [3, 3, 64, 128], 2, 1);
    expect([layer2conv!.height, layer2conv!.width]).toEqual([4, 4]);
    expect(maxAbsDifference(layer2conv!.data, expectedLayer2.data)).toBeLessThan(1e-4);
    input.dispose();
  });

  it('puts the bottleneck stride on the 3x3 conv (torchvision v1.5) and downsamples with a strided 1x1 conv', () => {
    const model = build('resnet50', { imageSize: 32 });
    const strides = (name: string): unknown => model.getLayer(name).getConfig().strides;
    expect(strides('layer2.0.conv1')).toEqual([1, 1]);
    expect(strides('layer2.0.conv2')).toEqual([2, 2]);
    expect(strides('layer2.0.downsample.0')).toEqual([2, 2]);
    expect(weight(model, 'layer2.0.conv1').shape).toEqual([1, 1, 256, 128]);
    expect(weight(model, 'layer2.0.conv3').shape).toEqual([1, 1, 128, 512]);
    expect(weight(model, 'layer2.0.downsample.0').shape).toEqual([1, 1, 256, 512]);
    // layer1.0 changes 64 → 256 channels without a stride, so it also has a downsample; layer1.1 does not.
    expect(strides('layer1.0.downsample.0')).toEqual([1, 1]);
    expect(model.layers.some((l) => l.name === 'layer1.1.downsample.0')).toBe(false);
  });

  it('names layers after torchvision modules', () => {
    const model = build('resnet18', { imageSize: 32 });
    const names = model.layers.map((l) => l.name);
    for (const name of [
      'conv1',
      'bn1',
      'maxpool',
      'layer1.0.conv1',
      'layer1.0.bn1',
      'layer1.1.conv2',
      'layer1.1.bn2',
      'layer2.0.downsample.0',
      'layer2.0.downsample.1',
      'layer4.1.bn2',
      'avgpool',
      'fc',
    ]) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain('layer1.0.downsample.0');
    expect(names.filter((n) => n.includes('downsample.0'))).toEqual([
      'layer2.0.downsample.0',
      'layer3.0.downsample.0',
      'layer4.0.downsample.0',
    ]);
    expect(new Set(names).size).toBe(names.length);
    expect(model.name).toBe('resnet');
  });

  it('configures convs and BatchNorm like torchvision', () => {
    const model = build('resnet50', { imageSize: 32 });
    for (const layer of model.layers) {
      const config = layer.getConfig();
      if (layer.getClassName() === 'Conv2D') expect(config.useBias).toBe(false);
      if (layer.getClassName() === 'BatchNormalization') {
        expect(config.epsilon).toBe(1e-5);
        expect(config.momentum).toBe(0.9);
      }
    }
  });

  it('initializes like torchvision: untruncated Kaiming normal (fan_out), torch Linear uniform, BN 1/0', () => {
    const model = build('resnet18', { imageSize: 32 });
    const kernel = values(model, 'layer4.0.conv2');
    const std = Math.sqrt(2 / (3 * 3 * 512));
    const mean = kernel.reduce((s, v) => s + v, 0) / kernel.length;
    const sampleStd = Math.sqrt(kernel.reduce((s, v) => s + (v - mean) ** 2, 0) / kernel.length);
    expect(Math.abs(mean)).toBeLessThan(std / 100);
    expect(sampleStd / std).toBeCloseTo(1, 2);
    // A truncated normal would stop at 2 standard deviations; 2.4M normal draws pass 4 about 150 times.
    expect(kernel.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(4 * std);

    const bound = 1 / Math.sqrt(512);
    for (const index of [0, 1]) {
      const fc = values(model, 'fc', index);
      const extreme = fc.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(extreme).toBeLessThanOrEqual(bound);
      expect(extreme).toBeGreaterThan(0.5 * bound);
    }
    expect(Array.from(values(model, 'bn1', 0)).every((v) => v === 1)).toBe(true);
    expect(Array.from(values(model, 'bn1', 1)).every((v) => v === 0)).toBe(true);
  });

  it('is reproducible for a seed and differs between seeds and between same-shaped layers', () => {
    const a = build('resnet18', { imageSize: 32, seed: 11 });
    const b = buildResNet({ ...RESNET_ARCHITECTURES.resnet18, numClasses: 1000, imageSize: 32, seed: 11 });
    const c = build('resnet18', { imageSize: 32, seed: 12 });
    for (const name of ['conv1', 'layer3.1.conv2', 'fc']) {
      expect(maxAbsDifference(weight(a, name).dataSync(), weight(b, name).dataSync())).toBe(0);
      expect(maxAbsDifference(weight(a, name).dataSync(), weight(c, name).dataSync())).toBeGreaterThan(0);
    }
    const conv1 = values(a, 'layer1.0.conv1');
    expect(maxAbsDifference(conv1, values(a, 'layer1.0.conv2'))).toBeGreaterThan(0);
    b.dispose();
  });

  it('zero_init_residual zeroes the last BN gamma of each block so blocks start as the identity', () => {
    const zero = build('resnet18', { imageSize: 32, zeroInitResidual: true });
    const plain = build('resnet18', { imageSize: 32 });
    const lastBns = zero.layers.filter((l) => /^layer\d\.\d+\.bn2$/.test(l.name)).map((l) => l.name);
    expect(lastBns).toHaveLength(8);
    for (const name of lastBns) expect(values(zero, name).every((v) => v === 0)).toBe(true);
    expect(values(zero, 'layer1.0.bn1').every((v) => v === 1)).toBe(true);
    expect(values(zero, 'layer2.0.downsample.1').every((v) => v === 1)).toBe(true);
    expect(values(plain, 'layer1.0.bn2').every((v) => v === 1)).toBe(true);

    const input = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 5);
    const [zeroIn, zeroOut] = intermediate(zero, ['layer1.0.relu', 'layer1.1.relu'], input);
    expect(maxAbsDifference(zeroIn!.data, zeroOut!.data)).toBe(0);
    const [plainIn, plainOut] = intermediate(plain, ['layer1.0.relu', 'layer1.1.relu'], input);
    expect(maxAbsDifference(plainIn!.data, plainOut!.data)).toBeGreaterThan(0);
    input.dispose();
  });

  it('adds dropout before the classifier only when asked', () => {
    const withDropout = build('resnet18', { imageSize: 32, dropout: 0.3 });
    const names = withDropout.layers.map((l) => l.name);
    expect(names.slice(-3)).toEqual(['avgpool', 'dropout', 'fc']);
    expect(withDropout.getLayer('dropout').getConfig().rate).toBe(0.3);
    expect(build('resnet18', { imageSize: 32 }).layers.map((l) => l.name)).not.toContain('dropout');
  });

  it.each([
    [{ numClasses: 0 }, 'num_classes=0'],
    [{ imageSize: 0 }, 'image_size=0'],
    [{ channels: 2.5 }, 'channels=2.5'],
    [{ dropout: 1 }, 'model.dropout=1'],
  ] as const)('rejects %o with a ClsError', (override, message) => {
    const spec = { ...RESNET_ARCHITECTURES.resnet18, numClasses: 10, imageSize: 32, ...override };
    expect(() => buildResNet(spec)).toThrow(ClsError);
    expect(() => buildResNet(spec)).toThrow(message);
  });
});
