import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  SymbolicTensor,
  initializers,
  input,
  layers,
  model as functionalModel,
  sequential,
  type LayersModel,
} from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESNET_ARCHITECTURES, buildResNet, foldForInference } from '../src/index.js';

/** Deterministic values in [lo, hi): the test needs varied, not random, numbers. */
function spread(length: number, lo: number, hi: number, phase: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => lo + (hi - lo) * (0.5 + 0.5 * Math.sin(1.7 * i + phase)));
}

/** Gives every BatchNormalization layer gamma, beta, moving mean and variance far from their 1/0/0/1 defaults. */
function setBatchNormStatistics(model: LayersModel): void {
  model.layers.forEach((layer, index) => {
    if (layer.getClassName() !== 'BatchNormalization') return;
    const current = layer.getWeights();
    const values = layer.weights.map((variable, i) => {
      const name = variable.name;
      const weight = current[i];
      if (weight === undefined) throw new Error(`${layer.name} has no weight ${i}`);
      const n = weight.size;
      const phase = index * 0.37;
      if (name.includes('gamma')) return tf.tensor(spread(n, 0.5, 1.5, phase), weight.shape);
      if (name.includes('beta')) return tf.tensor(spread(n, -0.5, 0.5, phase + 1), weight.shape);
      if (name.includes('moving_mean')) return tf.tensor(spread(n, -0.3, 0.3, phase + 2), weight.shape);
      return tf.tensor(spread(n, 0.3, 2, phase + 3), weight.shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  });
}

function weightValues(model: LayersModel): Float32Array[] {
  return model.getWeights().map((weight) => Float32Array.from(weight.dataSync()));
}

function predictValues(model: LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
}

/** Largest absolute difference relative to the largest absolute reference value. */
function relativeDifference(reference: Float32Array, actual: Float32Array): number {
  expect(actual.length).toBe(reference.length);
  let diff = 0;
  let range = 0;
  reference.forEach((r, i) => {
    diff = Math.max(diff, Math.abs(r - (actual[i] ?? Number.NaN)));
    range = Math.max(range, Math.abs(r));
  });
  return diff / range;
}

function layerNames(model: LayersModel, className: string): string[] {
  return model.layers.filter((layer) => layer.getClassName() === className).map((l) => l.name);
}

function batchNormNames(model: LayersModel): string[] {
  return layerNames(model, 'BatchNormalization');
}

function activationOf(model: LayersModel, name: string): unknown {
  return model.getLayer(name).getConfig().activation;
}

type Layer = Pick<ReturnType<typeof layers.conv2d>, 'apply'>;

function call(layer: Layer, inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  const output = layer.apply(inputs);
  if (!(output instanceof SymbolicTensor)) throw new Error('expected one symbolic output');
  return output;
}

function conv(name: string, filters: number, useBias = false, padding: 'same' | 'valid' = 'same'): Layer {
  return layers.conv2d({
    name,
    filters,
    kernelSize: 3,
    padding,
    useBias,
    kernelInitializer: initializers.glorotNormal({ seed: 1 }),
    biasInitializer: initializers.randomNormal({ seed: 2 }),
  });
}

/**
 * conv→BN→relu→conv→BN + residual add→relu, a conv with bias into a BN without beta/gamma and a relu activation
 * layer, an asymmetric zero padding into a 'valid' conv, and BNs and relus that must stay.
 */
function smallModel(): LayersModel {
  const image = input({ name: 'input', shape: [6, 6, 3] });
  // A BN on the raw input follows no conv: it stays.
  const stem = call(layers.batchNormalization({ name: 'stem_bn' }), image);
  const a = call(conv('conv1', 4), stem);
  const a1 = call(layers.reLU({ name: 'relu1' }), call(layers.batchNormalization({ name: 'bn1' }), a));
  const b = call(conv('conv2', 4), a1);
  const b1 = call(layers.batchNormalization({ name: 'bn2', epsilon: 1e-3 }), b);
  // A relu after an add follows no conv: it stays.
  const sum = call(layers.reLU({ name: 'add_relu' }), call(layers.add({ name: 'add' }), [b1, a1]));
  const c = call(conv('conv3', 5, true), sum);
  const c1 = call(
    layers.activation({ name: 'act3', activation: 'relu' }),
    call(layers.batchNormalization({ name: 'bn3', center: false, scale: false }), c),
  );
  // conv4's output also feeds the concatenation, so bn4 cannot fold into it.
  const d = call(conv('conv4', 3), c1);
  const d1 = call(layers.batchNormalization({ name: 'bn4' }), d);
  // The padding, top 2 and right 2, becomes conv5's; a capped relu is no conv activation: it stays.
  const padded = call(
    layers.zeroPadding2d({
      name: 'pad5',
      padding: [
        [2, 0],
        [0, 2],
      ],
    }),
    c1,
  );
  const e = call(
    layers.reLU({ name: 'relu6', maxValue: 0.4 }),
    call(conv('conv5', 2, false, 'valid'), padded),
  );
  const joined = call(layers.concatenate({ name: 'concat' }), [d, d1, e]);
  const pooled = call(layers.globalAveragePooling2d({ name: 'pool' }), joined);
  const logits = call(layers.dense({ name: 'fc', units: 3 }), pooled);
  const built = functionalModel({ name: 'small', inputs: image, outputs: logits });
  setBatchNormStatistics(built);
  return built;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('foldForInference', () => {
  it('folds conv-following BNs and relus, keeps the others, predicts like the original and leaves it unchanged', async () => {
    const original = smallModel();
    const x = tf.tensor4d(spread(2 * 6 * 6 * 3, -2, 2, 0.1), [2, 6, 6, 3]);
    const expected = predictValues(original, x);
    const before = weightValues(original);
    const tensorsBefore = tf.memory().numTensors;

    const folded = await foldForInference(original);
    expect(folded).not.toBe(original);
    expect(batchNormNames(folded)).toEqual(['stem_bn', 'bn4']);
    expect(batchNormNames(original)).toEqual(['stem_bn', 'bn1', 'bn2', 'bn3', 'bn4']);
    expect(folded.getLayer('conv1').getWeights()).toHaveLength(2);
    expect(folded.getLayer('conv4').getWeights()).toHaveLength(1);
    expect(layerNames(folded, 'ReLU')).toEqual(['add_relu', 'relu6']);
    expect(layerNames(folded, 'Activation')).toEqual([]);
    expect(layerNames(folded, 'ZeroPadding2D')).toEqual([]);
    expect(layerNames(folded, 'ClsPaddedConv2D')).toEqual(['conv5']);
    expect(['conv1', 'conv2', 'conv3', 'conv4', 'conv5'].map((name) => activationOf(folded, name))).toEqual([
      'relu',
      'linear',
      'relu',
      'linear',
      'linear',
    ]);
    expect(relativeDifference(expected, predictValues(folded, x))).toBeLessThan(1e-5);

    folded.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const after = weightValues(original);
    before.forEach((values, i) => {
      expect(after[i]).toEqual(values);
    });
    // Disposing the folded model must not free weights it shares with the original.
    expect(predictValues(original, x)).toEqual(expected);
    x.dispose();
    original.dispose();
  });

  it('folds a BN that is the model output, and handles Sequential models', async () => {
    const seq = sequential({
      layers: [
        layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, useBias: false, name: 'c' }),
        layers.batchNormalization({ name: 'b' }),
      ],
    });
    setBatchNormStatistics(seq);
    const x = tf.tensor4d(spread(5 * 5 * 2, -1, 1, 0.4), [1, 5, 5, 2]);
    const folded = await foldForInference(seq);
    expect(batchNormNames(folded)).toEqual([]);
    expect(folded.outputs[0]?.shape).toEqual([null, 3, 3, 3]);
    expect(relativeDifference(predictValues(seq, x), predictValues(folded, x))).toBeLessThan(1e-5);
    folded.dispose();
    seq.dispose();
    x.dispose();
  });

  it('gives resnet18 the same logits without any BatchNormalization layer, 9 relus and 4 paddings fewer', async () => {
    const resnet = buildResNet({ ...RESNET_ARCHITECTURES.resnet18, numClasses: 10, imageSize: 32, seed: 3 });
    setBatchNormStatistics(resnet);
    const x = tf.tensor4d(spread(2 * 32 * 32 * 3, -2, 2, 0.7), [2, 32, 32, 3]);
    const expected = predictValues(resnet, x);
    const tensorsBefore = tf.memory().numTensors;

    const folded = await foldForInference(resnet);
    expect(batchNormNames(resnet)).toHaveLength(20);
    expect(batchNormNames(folded)).toEqual([]);
    // The stem's relu and each block's first; the relus after the residual adds stay.
    expect(layerNames(resnet, 'ReLU')).toHaveLength(17);
    expect(layerNames(folded, 'ReLU')).toHaveLength(8);
    // The stem's and the strided 3×3 convs' paddings; the max pool's stays.
    expect(layerNames(resnet, 'ZeroPadding2D')).toHaveLength(5);
    expect(layerNames(folded, 'ZeroPadding2D')).toHaveLength(1);
    expect(layerNames(folded, 'ClsPaddedConv2D')).toHaveLength(4);
    expect(folded.layers).toHaveLength(resnet.layers.length - 20 - 9 - 4);
    expect(relativeDifference(expected, predictValues(folded, x))).toBeLessThan(1e-4);

    folded.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    x.dispose();
    resnet.dispose();
  });
});
