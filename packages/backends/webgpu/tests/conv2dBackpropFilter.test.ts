import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@nextplay/cls-core';
import { findAdapter, webgpuBackendPlugin, webgpuTrainingKernels } from '../src/index.js';
import { splitCount } from '../src/kernels/tiledMatrixProduct.js';
import { seededValues } from './seededValues.js';

const search = await findAdapter();

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];

/** The filter gradient of conv2d(x, w) for the upstream gradient sin(0, 1, 2, …), on the active backend. */
async function filterGradient(x: Shape4, filter: Shape4, strides: number, pad: Pad): Promise<Float32Array> {
  const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
  const dw = tf.tidy(() => {
    const input = tf.tensor4d(seededValues(size(x), 1), x);
    const convolve = (w: tf.Tensor): tf.Tensor => tf.conv2d(input, w as tf.Tensor4D, strides, pad);
    const weights = tf.tensor4d(seededValues(size(filter), 2), filter);
    const shape = convolve(weights).shape;
    const dy = tf.reshape(tf.sin(tf.range(0, size(shape), 1)), shape);
    return tf.grad(convolve)(weights, dy);
  });
  const values = (await dw.data()) as Float32Array;
  dw.dispose();
  return values;
}

describe('K splits of the filter gradient', () => {
  it('splits a long K over a small output, and not a large output', () => {
    expect(splitCount(147, 64, 65_536)).toBeGreaterThan(100);
    expect(splitCount(4608, 512, 4096)).toBe(1);
    expect(splitCount(147, 64, 300)).toBe(1);
  });

  it('splits the uneven cases below in two, so that their last split is the shorter', () => {
    expect(splitCount(147, 5, 1 * 25 * 25)).toBe(2);
    expect(splitCount(27, 5, 3 * 15 * 13)).toBe(2);
  });
});

describe.skipIf(!search.found)('the WebGPU Conv2DBackpropFilter kernel on this machine’s adapter', () => {
  beforeAll(async () => {
    const backend = await webgpuBackendPlugin.create(
      {},
      { logger: createLogger({ console: false }), threads: 1, accelerator: 'gpu' },
    );
    await backend.probe();
    await backend.activate();
  });

  it('is the registered webgpu kernel', () => {
    const ours = webgpuTrainingKernels.find((config) => config.kernelName === 'Conv2DBackpropFilter');
    expect(tf.getKernel('Conv2DBackpropFilter', 'webgpu').kernelFunc).toBe(ours?.kernelFunc);
  });

  // ResNet shapes, sizes that are not tile multiples, one K split and several (the 7×7 stem on 4 × 32 × 32).
  it.each<{ x: Shape4; filter: Shape4; strides: number; pad: Pad }>([
    {
      x: [4, 32, 32, 3],
      filter: [7, 7, 3, 8],
      strides: 2,
      pad: [
        [0, 0],
        [3, 3],
        [3, 3],
        [0, 0],
      ],
    },
    { x: [2, 9, 9, 8], filter: [3, 3, 8, 12], strides: 1, pad: 'same' },
    { x: [2, 9, 9, 8], filter: [3, 3, 8, 16], strides: 2, pad: 'same' },
    { x: [3, 8, 8, 16], filter: [1, 1, 16, 70], strides: 2, pad: 'valid' },
    { x: [1, 7, 5, 5], filter: [3, 3, 5, 6], strides: 1, pad: 'valid' },
    // Three input and five output channels (both under a tile), K = 625 and 585 in two splits of 320 and 304.
    { x: [1, 50, 50, 3], filter: [7, 7, 3, 5], strides: 2, pad: 'same' },
    { x: [3, 15, 13, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'same' },
    // Top and left pads that differ, on a non-square input.
    {
      x: [2, 10, 7, 4],
      filter: [3, 3, 4, 6],
      strides: 2,
      pad: [
        [0, 0],
        [2, 0],
        [0, 1],
        [0, 0],
      ],
    },
    {
      x: [8, 12, 12, 20],
      filter: [3, 3, 20, 24],
      strides: 1,
      pad: [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
    },
  ])(
    'matches the cpu backend for x $x, filter $filter, stride $strides',
    async ({ x, filter, strides, pad }) => {
      const gpu = await filterGradient(x, filter, strides, pad);
      await tf.setBackend('cpu');
      const cpu = await filterGradient(x, filter, strides, pad);
      await tf.setBackend('webgpu');
      const scale = cpu.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const worst = gpu.reduce((m, v, i) => Math.max(m, Math.abs(v - (cpu[i] ?? NaN))), 0);
      expect(gpu).toHaveLength(cpu.length);
      expect(worst).toBeLessThan(1e-5 * scale + 1e-6);
    },
  );

  it('leaves NCHW to the stock kernel, which matches the cpu backend', async () => {
    const gradient = async (): Promise<Float32Array> => {
      const dw = tf.tidy(() => {
        const x = tf.tensor4d(seededValues(2 * 4 * 9 * 9, 1), [2, 4, 9, 9]);
        const dy = tf.tensor4d(seededValues(2 * 6 * 9 * 9, 3), [2, 6, 9, 9]);
        return tf
          .engine()
          .runKernel<tf.Tensor>(
            'Conv2DBackpropFilter',
            { x, dy },
            { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 4, 6] },
          );
      });
      const values = (await dw.data()) as Float32Array;
      dw.dispose();
      return values;
    };
    const gpu = await gradient();
    await tf.setBackend('cpu');
    const cpu = await gradient();
    await tf.setBackend('webgpu');
    const worst = gpu.reduce((m, v, i) => Math.max(m, Math.abs(v - (cpu[i] ?? NaN))), 0);
    expect(gpu).toHaveLength(3 * 3 * 4 * 6);
    expect(worst).toBeLessThan(1e-4);
  });
});
