import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type ComputeBackend } from '@nextplay/cls-core';
import { findAdapter, setProductKernelChoice, webgpuBackendPlugin } from '../src/index.js';
import { TILE_SIZES } from '../src/kernels/tiledMatrixProduct.js';
import { pipelineLabelsDuring } from './pipelineLabels.js';
import { seededValues } from './seededValues.js';

// The CI machine has Mesa's lavapipe, whose adapter lists shader-f16; a hardware adapter may too.
const search = await findAdapter();
// Lavapipe compiles each kernel with LLVM on the CPU: ~15 s for a case's first pipelines on an idle machine, over
// 120 s on a loaded one. Compilation, not computation, so the bound is generous.
const COMPILING_TIMEOUT = 600_000;

/** IEEE float16 rounding (to nearest, ties to even), as the kernels round their operands. */
function roundToHalf(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.abs(value);
  if (magnitude >= 65520) return Math.sign(value) * Infinity;
  const exponent = Math.max(Math.floor(Math.log2(magnitude)), -14);
  const quantum = 2 ** (exponent - 10);
  const steps = magnitude / quantum;
  let rounded = Math.round(steps);
  if (rounded - steps === 0.5 && rounded % 2 === 1) rounded -= 1;
  return Math.sign(value) * rounded * quantum;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Seeded inputs of these shapes: as they are, and rounded to float16 (the reference's operands). */
function operands(
  shapes: readonly number[][],
  seed: number,
): { exact: Float32Array[]; half: Float32Array[] } {
  const exact = shapes.map((shape, i) => seededValues(size(shape), seed + i));
  return { exact, half: exact.map((values) => values.map(roundToHalf)) };
}

async function valuesOf(compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  const tensors = tf.tidy(compute);
  const values = await Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(tensors);
  return values;
}

/** The largest difference relative to the largest reference value. */
function relativeError(actual: readonly Float32Array[], reference: readonly Float32Array[]): number {
  let worst = 0;
  let largest = 0;
  reference.forEach((values, i) => {
    values.forEach((v, j) => {
      largest = Math.max(largest, Math.abs(v));
      worst = Math.max(worst, Math.abs(v - (actual[i]?.[j] ?? NaN)));
    });
  });
  return worst / largest;
}

interface Case {
  readonly name: string;
  readonly shapes: number[][];
  readonly compute: (inputs: tf.Tensor[]) => tf.Tensor[];
}

const convolution =
  (strides: number, pad: 'same' | 'valid', dilation = 1) =>
  (inputs: tf.Tensor[]) => {
    const [x, w, dy] = inputs as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const convolve = (a: tf.Tensor, b: tf.Tensor): tf.Tensor =>
      tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad, 'NHWC', dilation);
    const [dx, dw] = tf.grads(convolve)([x, w], dy);
    return [convolve(x, w), dx!, dw!];
  };

const cases: readonly Case[] = [
  {
    name: 'conv2d, stride 2, same padding, with its input and filter gradients',
    shapes: [
      [2, 9, 9, 3],
      [3, 3, 3, 8],
      [2, 5, 5, 8],
    ],
    compute: convolution(2, 'same'),
  },
  {
    name: 'conv2d, stride 1, valid padding, 70 channels (tiles cut in M, N and K), with gradients',
    shapes: [
      [3, 7, 6, 70],
      [2, 2, 70, 67],
      [3, 6, 5, 67],
    ],
    compute: convolution(1, 'valid'),
  },
  {
    name: 'conv2d with a long K, split across workgroups (the stem of a ResNet), with gradients',
    shapes: [
      [4, 32, 32, 3],
      [7, 7, 3, 16],
      [4, 16, 16, 16],
    ],
    compute: convolution(2, 'same'),
  },
  {
    name: 'dilated conv2d',
    shapes: [
      [1, 10, 10, 4],
      [3, 3, 4, 5],
    ],
    compute: ([x, w]) => [tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NHWC', 2)],
  },
  {
    name: 'fused conv2d with a bias and relu',
    shapes: [[2, 6, 6, 5], [3, 3, 5, 7], [7]],
    compute: ([x, w, bias]) => [
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: w as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        bias: bias!,
        activation: 'relu',
      }),
    ],
  },
  {
    name: 'matMul in every transposition, and a batch of one broadcast',
    shapes: [
      [70, 33],
      [33, 65],
      [65, 70],
      [3, 5, 6],
      [1, 6, 4],
    ],
    compute: ([a, b, c, d, e]) => [
      tf.matMul(a!, b!),
      tf.matMul(a!, c!, true, true),
      tf.matMul(b!, a!, true, true),
      tf.matMul(d!, e!),
      tf.matMul(e!, d!, true, true),
    ],
  },
  {
    name: 'matMul broadcasting a batch of one of higher rank',
    shapes: [
      [3, 4, 5],
      [1, 1, 5, 6],
    ],
    compute: ([a, b]) => [tf.matMul(a!, b!)],
  },
  {
    name: 'a dense layer (fused matMul, bias, relu) with its gradients',
    shapes: [[8, 512], [512, 10], [10], [8, 10]],
    compute: ([x, w, bias, dy]) => {
      const dense = (a: tf.Tensor, b: tf.Tensor): tf.Tensor =>
        tf.fused.matMul({ a, b, bias: bias!, activation: 'relu' });
      const [dx, dw] = tf.grads(dense)([x!, w!], dy);
      return [dense(x!, w!), dx!, dw!];
    },
  },
];

describe.skipIf(!search.found)('16-mixed convolutions and matrix products on this machine’s adapter', () => {
  let backend: ComputeBackend;

  beforeAll(async () => {
    backend = await webgpuBackendPlugin.create(
      {},
      { logger: createLogger({ console: false }), threads: 1, accelerator: 'gpu' },
    );
    await backend.probe();
    await backend.activate();
  });

  afterAll(() => {
    backend.setMixedPrecision?.(false);
    setProductKernelChoice('stock');
  });

  it('turns float16 on where the adapter has shader-f16, and says why not elsewhere', () => {
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    const support = backend.setMixedPrecision?.(true);
    if (device.features.has('shader-f16')) expect(support).toEqual({ enabled: true });
    else {
      expect(support?.enabled).toBe(false);
      expect(support).toHaveProperty('reason', expect.stringContaining('lacks the shader-f16') as unknown);
    }
  });

  for (const { name, shapes, compute } of cases) {
    it.each(TILE_SIZES)(
      `computes ${name} in float16 with %i² tiles, as float32 does on float16-rounded operands`,
      async (tile) => {
        if (backend.setMixedPrecision?.(true).enabled !== true) return;
        setProductKernelChoice(`ours-${tile}`);
        const { exact, half } = operands(shapes, 11);
        const run = (values: Float32Array[]) => () => compute(values.map((v, i) => tf.tensor(v, shapes[i])));
        const gpu = await valuesOf(run(exact));
        await tf.setBackend('cpu');
        const reference = await valuesOf(run(half));
        const float32 = await valuesOf(run(exact));
        await tf.setBackend('webgpu');
        // Each 16-term slice of K is summed in f16 and the result rounded to f16: a few f16 steps (2^-11) off.
        expect(relativeError(gpu, reference)).toBeLessThan(4e-3);
        // The same products in float32 differ: float16 did run, and every result is a float16 value.
        expect(relativeError(gpu, float32)).toBeGreaterThan(1e-5);
        const notHalf = gpu.flatMap((values) => Array.from(values).filter((v) => roundToHalf(v) !== v));
        expect(notHalf).toEqual([]);
        setProductKernelChoice('stock');
      },
      COMPILING_TIMEOUT,
    );
  }

  it('rounds operands and results to float16: 1 + 2^-11 is 1, beyond 65504 is infinity, NaN stays', async () => {
    if (backend.setMixedPrecision?.(true).enabled !== true) return;
    const values = [1 + 2 ** -11, 2, 70_000, NaN, -1e6, 65_504];
    const [y] = await valuesOf(() => [
      tf.conv2d(tf.tensor4d(values, [1, 1, values.length, 1]), tf.ones<tf.Rank.R4>([1, 1, 1, 1]), 1, 'valid'),
    ]);
    expect(Array.from(y!)).toEqual([1, 2, Infinity, NaN, -Infinity, 65_504]);
    // A finite product that leaves float16's range overflows too, as a torch.half result does.
    const [z] = await valuesOf(() => [tf.matMul(tf.tensor2d([[300, 300]]), tf.tensor2d([[200], [200]]))]);
    expect(z![0]).toBe(Infinity);
  });

  it('computes in float32 again once mixed precision is off', async () => {
    backend.setMixedPrecision?.(false);
    const x = 1 + 2 ** -11;
    const [y] = await valuesOf(() => [tf.matMul(tf.tensor2d([[x]]), tf.tensor2d([[1]]))]);
    expect(y![0]).toBe(Math.fround(x));
  });
});

describe.skipIf(!search.found)(
  'our float32 convolutions and matrix products (trainer.benchmark’s candidates)',
  () => {
    beforeAll(async () => {
      const backend = await webgpuBackendPlugin.create(
        {},
        { logger: createLogger({ console: false }), threads: 1, accelerator: 'gpu' },
      );
      await backend.probe();
      await backend.activate();
    });

    afterAll(() => {
      setProductKernelChoice('stock');
    });

    for (const { name, shapes, compute } of cases) {
      it.each(TILE_SIZES)(
        `computes ${name} with %i² tiles as the cpu backend does`,
        async (tile) => {
          setProductKernelChoice(`ours-${tile}`);
          const { exact } = operands(shapes, 13);
          const run = () => compute(exact.map((v, i) => tf.tensor(v, shapes[i])));
          let gpu: Float32Array[] = [];
          const pipelines = await pipelineLabelsDuring(async () => {
            gpu = await valuesOf(run);
          });
          // Ours ran: the forward product, and the input gradient where there is one (the filter gradient is ours in
          // every mode).
          const ours = (kernel: string) =>
            pipelines.some((label) => label === `${kernel} ${tile}² tiles (f32)`);
          expect(ours('Conv2D') || ours('BatchMatMul')).toBe(true);
          if (name.startsWith('conv2d') && name.includes('gradients'))
            expect(ours('Conv2DBackpropInput')).toBe(true);
          await tf.setBackend('cpu');
          const reference = await valuesOf(run);
          await tf.setBackend('webgpu');
          expect(relativeError(gpu, reference)).toBeLessThan(2e-6);
        },
        COMPILING_TIMEOUT,
      );
    }

    it('covers more workgroups than a dispatch dimension holds: 70,000 batches, 4,200,000 rows', async () => {
      // Over 65,535: batches × K splits, and M's 64² tiles.
      const shapes = [
        [70_000, 1, 2],
        [70_000, 2, 1],
        [4_200_000, 1],
        [1, 2],
      ];
      const { exact } = operands(shapes, 17);
      const run = () => {
        const [a, b, c, d] = exact.map((v, i) => tf.tensor(v, shapes[i]));
        return [tf.matMul(a!, b!), tf.matMul(c!, d!)];
      };
      setProductKernelChoice('ours-64');
      let gpu: Float32Array[] = [];
      const pipelines = await pipelineLabelsDuring(async () => {
        gpu = await valuesOf(run);
      });
      setProductKernelChoice('stock');
      expect(pipelines.filter((label) => label === 'BatchMatMul 64² tiles (f32)')).toHaveLength(4);
      await tf.setBackend('cpu');
      const reference = await valuesOf(run);
      await tf.setBackend('webgpu');
      expect(relativeError(gpu, reference)).toBeLessThan(2e-6);
    });

    it('gives a broadcast product tfjs’s shape: [3, 4, 5] by [1, 1, 5, 6] is [1, 3, 4, 6]', () => {
      setProductKernelChoice('ours-64');
      const product = tf.tidy(() => tf.matMul(tf.ones([3, 4, 5]), tf.ones([1, 1, 5, 6])));
      setProductKernelChoice('stock');
      expect(product.shape).toEqual([1, 3, 4, 6]);
      product.dispose();
    });
  },
);
