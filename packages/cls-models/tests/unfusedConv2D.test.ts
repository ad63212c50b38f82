import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { layers } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnfusedConv2D } from '../src/unfusedConv2D.js';

const ARGS = { filters: 4, kernelSize: 3, strides: 2, padding: 'valid', useBias: false } as const;

/** The layer's output and its kernel gradient, and the kernels that the gradient ran. */
async function outputAndKernelGradient(layer: ReturnType<typeof layers.conv2d>, x: tf.Tensor) {
  layer.build(x.shape);
  layer.setWeights([tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 2)]);
  const kernel = layer.weights[0]!.read() as unknown as tf.Variable;
  const output = layer.apply(x) as tf.Tensor;
  let gradient: tf.Tensor | undefined;
  const { kernelNames } = await tf.profile(() => {
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as tf.Tensor)), [kernel]);
    gradient = tf.keep(grads[kernel.name]!);
  });
  return { output, gradient: gradient!, kernelNames };
}

describe('UnfusedConv2D', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('computes what the stock Conv2D does, without the gradient of its input', async () => {
    const x = tf.randomNormal([2, 9, 9, 2], 0, 1, 'float32', 1);
    const stock = await outputAndKernelGradient(layers.conv2d(ARGS), x);
    const unfused = await outputAndKernelGradient(new UnfusedConv2D(ARGS), x);
    expect(unfused.output.shape).toEqual(stock.output.shape);
    expect(tf.max(tf.abs(tf.sub(unfused.output, stock.output))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(unfused.gradient, stock.gradient))).dataSync()[0]).toBeLessThan(1e-4);
    // The input needs no gradient: only the fused op's gradient computes one anyway.
    expect(stock.kernelNames).toContain('Conv2DBackpropInput');
    expect(unfused.kernelNames).not.toContain('Conv2DBackpropInput');
    expect(unfused.kernelNames).toContain('Conv2DBackpropFilter');
  });

  it('keeps the stock path for biases and activations, and the stock class name', () => {
    const x = tf.randomNormal([1, 5, 5, 2], 0, 1, 'float32', 3);
    const args = { ...ARGS, useBias: true, activation: 'relu' } as const;
    const stock = layers.conv2d(args);
    const unfused = new UnfusedConv2D(args);
    stock.build(x.shape);
    unfused.build(x.shape);
    unfused.setWeights(stock.getWeights());
    const difference = tf.sub(unfused.apply(x) as tf.Tensor, stock.apply(x) as tf.Tensor);
    expect(tf.max(tf.abs(difference)).dataSync()[0]).toBe(0);
    expect(unfused.getClassName()).toBe('Conv2D');
  });
});
