import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// The gradients tfjs-layers registers for the models, which these tests take with tf.grads.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  configureWasmTrainingKernels,
  registerWasmTrainingKernels,
  wasmTrainingKernels,
} from '../src/index.js';
import { payingTapClasses } from '../src/kernels/conv2dByGemm.js';
import { maxRelativeDiff, randomValues } from './helpers/kernelValues.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  readonly input: [number, number, number, number];
  readonly kernel: number;
  readonly outChannels: number;
  readonly stride: number;
  readonly pad: Pad;
}

const classCases: ConvCase[] = [
  { input: [16, 2, 2, 16], kernel: 3, outChannels: 16, stride: 1, pad: 'same' },
  { input: [48, 4, 4, 8], kernel: 3, outChannels: 8, stride: 2, pad: 'same' },
  {
    input: [8, 3, 4, 8],
    kernel: 3,
    outChannels: 8,
    stride: 1,
    pad: [
      [0, 0],
      [1, 1],
      [0, 4],
      [0, 0],
    ],
  },
];

const cases: ConvCase[] = [
  { input: [2, 8, 8, 4], kernel: 3, outChannels: 5, stride: 1, pad: 'same' },
  { input: [2, 8, 8, 4], kernel: 3, outChannels: 5, stride: 2, pad: 'same' },
  { input: [3, 9, 7, 3], kernel: 3, outChannels: 4, stride: 2, pad: 'same' },
  { input: [3, 9, 7, 3], kernel: 3, outChannels: 4, stride: 1, pad: 'valid' },
  { input: [2, 10, 11, 3], kernel: 3, outChannels: 6, stride: 2, pad: 'valid' },
  { input: [2, 16, 16, 3], kernel: 7, outChannels: 8, stride: 2, pad: 'same' },
  { input: [2, 15, 13, 3], kernel: 7, outChannels: 8, stride: 2, pad: 'same' },
  { input: [2, 22, 22, 3], kernel: 7, outChannels: 4, stride: 2, pad: 'valid' },
  { input: [2, 8, 8, 6], kernel: 1, outChannels: 4, stride: 2, pad: 'valid' },
  { input: [2, 9, 7, 6], kernel: 1, outChannels: 4, stride: 2, pad: 'same' },
  { input: [2, 9, 7, 6], kernel: 1, outChannels: 4, stride: 1, pad: 'valid' },
  {
    input: [2, 10, 10, 4],
    kernel: 3,
    outChannels: 4,
    stride: 2,
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
  {
    input: [1, 9, 8, 2],
    kernel: 3,
    outChannels: 3,
    stride: 2,
    pad: [
      [0, 0],
      [2, 0],
      [0, 3],
      [0, 0],
    ],
  },
  {
    input: [1, 7, 7, 2],
    kernel: 3,
    outChannels: 3,
    stride: 1,
    pad: [
      [0, 0],
      [4, 1],
      [0, 5],
      [0, 0],
    ],
  },
  {
    input: [1, 5, 5, 2],
    kernel: 1,
    outChannels: 3,
    stride: 2,
    pad: [
      [0, 0],
      [1, 2],
      [3, 0],
      [0, 0],
    ],
  },
  { input: [4, 4, 4, 16], kernel: 3, outChannels: 8, stride: 1, pad: 'same' },
  // dy with more than 2048 values per channel: Conv2DBackpropFilter sums products over chunks of its rows.
  { input: [5, 23, 21, 2], kernel: 3, outChannels: 3, stride: 1, pad: 'same' },
  // Strided too: products over the stride phases of x.
  { input: [4, 50, 47, 2], kernel: 3, outChannels: 3, stride: 2, pad: 'same' },
  { input: [4, 57, 55, 3], kernel: 7, outChannels: 4, stride: 2, pad: 'valid' },
  { input: [2, 2, 2, 8], kernel: 3, outChannels: 8, stride: 2, pad: 'same' },
  { input: [2, 1, 1, 8], kernel: 3, outChannels: 8, stride: 1, pad: 'same' },
  // Maps where padding dominates the patches, multiplied by tap class (`payingTapClasses`); in the last, the two
  // rightmost output columns meet padding alone.
  ...classCases,
  // Maps so small that some filter rows or columns only ever meet padding.
  { input: [2, 1, 3, 6], kernel: 5, outChannels: 4, stride: 1, pad: 'same' },
  { input: [3, 2, 1, 5], kernel: 3, outChannels: 7, stride: 1, pad: 'same' },
  {
    input: [2, 2, 1, 5],
    kernel: 3,
    outChannels: 7,
    stride: 2,
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
];

// The gradient ops are not exported by tfjs-core, so the kernels are called the way its conv2d gradient calls them.
function backpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number,
  pad: Pad,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC',
): tf.Tensor {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat, filterShape });
}

function backpropInput(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: number,
  pad: Pad,
): tf.Tensor {
  return tf
    .engine()
    .runKernel('Conv2DBackpropInput', { dy, filter }, { strides, pad, dataFormat: 'NHWC', inputShape });
}

function outputShape(c: ConvCase): [number, number, number, number] {
  const [n, h, w, ci] = c.input;
  const info = tf.backend_util.computeConv2DInfo(
    [n, h, w, ci],
    [c.kernel, c.kernel, ci, c.outChannels],
    c.stride,
    1,
    c.pad,
  );
  return info.outShape;
}

/** Runs `compute` on a backend with fixed host data and returns the result's values. */
async function onBackend(backend: string, compute: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const result = tf.tidy(compute);
  const values = (await result.data()) as Float32Array;
  result.dispose();
  return values;
}

/** Runs `compute` on cpu and on wasm: same shape, dtype and values exactly, and no tensor left behind on wasm. */
async function expectExactlyAsCpu(compute: () => tf.Tensor, dtype: tf.DataType): Promise<void> {
  await tf.setBackend('cpu');
  const expected = tf.tidy(compute);
  const expectedValues = await expected.data();
  const expectedShape = expected.shape;
  expected.dispose();
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const actual = tf.tidy(compute);
  expect(actual.shape).toEqual(expectedShape);
  expect(actual.dtype).toBe(dtype);
  expect(Array.from(await actual.data())).toEqual(Array.from(expectedValues));
  actual.dispose();
  expect(tf.memory().numTensors).toBe(before);
}

describe('wasm training kernels', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
  });

  // Each convolution kernel runs on the engine's relaxed-SIMD product ('auto' here) and on XNNPACK's.
  const products = ['auto', 'xnnpack'] as const;

  it.each(products.flatMap((product) => cases.map((c) => ({ ...c, product }))))(
    'Conv2DBackpropFilter ($product product) matches cpu: $input k$kernel s$stride $pad',
    async (c) => {
      const [, , , ci] = c.input;
      const dyShape = outputShape(c);
      const x = randomValues(
        c.input.reduce((a, b) => a * b),
        1,
      );
      const dy = randomValues(
        dyShape.reduce((a, b) => a * b),
        2,
      );
      const filterShape: [number, number, number, number] = [c.kernel, c.kernel, ci, c.outChannels];
      const compute = () =>
        backpropFilter(tf.tensor4d(x, c.input), tf.tensor4d(dy, dyShape), filterShape, c.stride, c.pad);
      const expected = await onBackend('cpu', compute);
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const dataIdsBefore = tf.backend().numDataIds();
      configureWasmTrainingKernels({ product: c.product });
      const actual = await onBackend('wasm', compute);
      configureWasmTrainingKernels({ product: 'auto' });
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.backend().numDataIds()).toBe(dataIdsBefore);
      expect(maxRelativeDiff(actual, expected)).toBeLessThan(1e-4);
    },
  );

  it.each(
    (['conv', 'gemm', 'auto'] as const).flatMap((strategy) =>
      products.flatMap((product) => cases.map((c) => ({ ...c, strategy, product }))),
    ),
  )(
    'Conv2DBackpropInput ($strategy, $product product) matches cpu: $input k$kernel s$stride $pad',
    async (c) => {
      configureWasmTrainingKernels({ backpropInput: c.strategy, product: c.product });
      const [, , , ci] = c.input;
      const dyShape = outputShape(c);
      const filterShape: [number, number, number, number] = [c.kernel, c.kernel, ci, c.outChannels];
      const dy = randomValues(
        dyShape.reduce((a, b) => a * b),
        3,
      );
      const filter = randomValues(
        filterShape.reduce((a, b) => a * b),
        4,
      );
      const compute = () =>
        backpropInput(c.input, tf.tensor4d(dy, dyShape), tf.tensor4d(filter, filterShape), c.stride, c.pad);
      const expected = await onBackend('cpu', compute);
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const dataIdsBefore = tf.backend().numDataIds();
      const actual = await onBackend('wasm', compute);
      configureWasmTrainingKernels({ backpropInput: 'auto', product: 'auto' });
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.backend().numDataIds()).toBe(dataIdsBefore);
      expect(maxRelativeDiff(actual, expected)).toBeLessThan(1e-4);
    },
  );

  const forwardCases = [
    ...cases.map((c) => ({ ...c, dilation: 1 })),
    { input: [2, 9, 8, 3], kernel: 3, outChannels: 4, stride: 1, pad: 'same', dilation: 2 },
    { input: [1, 11, 10, 2], kernel: 3, outChannels: 3, stride: 1, pad: 'valid', dilation: 3 },
  ] as (ConvCase & { dilation: number })[];

  it.each(
    (['gemm', 'stock', 'auto'] as const).flatMap((strategy) =>
      products.flatMap((product) => forwardCases.map((c) => ({ ...c, strategy, product }))),
    ),
  )(
    'Conv2D ($strategy, $product product) matches cpu on a new and a reused filter: $input k$kernel s$stride d$dilation $pad',
    async (c) => {
      const [, , , ci] = c.input;
      const filterShape: [number, number, number, number] = [c.kernel, c.kernel, ci, c.outChannels];
      const x = randomValues(
        c.input.reduce((a, b) => a * b),
        8,
      );
      const w = randomValues(
        filterShape.reduce((a, b) => a * b),
        9,
      );
      const conv = (image: Tensor4D, filter: Tensor4D): Tensor4D =>
        tf.conv2d(image, filter, c.stride, c.pad, 'NHWC', c.dilation);
      const expected = await onBackend('cpu', () =>
        conv(tf.tensor4d(x, c.input), tf.tensor4d(w, filterShape)),
      );
      await tf.setBackend('wasm');
      configureWasmTrainingKernels({ forward: c.strategy, product: c.product });
      const outShape = tf.backend_util.computeConv2DInfo(
        [...c.input],
        filterShape,
        c.stride,
        c.dilation,
        c.pad,
      ).outShape;
      const before = tf.backend().numDataIds();
      const image = tf.tensor4d(x, c.input);
      const filter = tf.tensor4d(w, filterShape);
      // A reused filter is served from the kernels' caches of packed filters.
      for (const use of ['new', 'reused']) {
        const y = conv(image, filter);
        expect(y.shape, use).toEqual(outShape);
        expect(maxRelativeDiff(await y.data<'float32'>(), expected), use).toBeLessThan(1e-5);
        y.dispose();
      }
      configureWasmTrainingKernels({ forward: 'auto', product: 'auto' });
      tf.dispose([image, filter]);
      expect(tf.backend().numDataIds()).toBe(before);
    },
  );

  it.each([
    { activation: 'linear', bias: false },
    { activation: 'relu', bias: true },
    { activation: 'leakyrelu', bias: true },
    { activation: 'prelu', bias: false },
  ] as const)(
    'FusedConv2D by matrix product with $activation (bias $bias) matches cpu',
    async ({ activation, bias }) => {
      const run = (): tf.Tensor =>
        tf.fused.conv2d({
          x: tf.tensor4d(randomValues(2 * 6 * 5 * 3, 12), [2, 6, 5, 3]),
          filter: tf.tensor4d(randomValues(3 * 3 * 3 * 4, 13), [3, 3, 3, 4]),
          strides: 2,
          pad: 'same',
          ...(bias ? { bias: tf.tensor1d(randomValues(4, 14)) } : {}),
          activation,
          ...(activation === 'prelu' ? { preluActivationWeights: tf.tensor1d(randomValues(4, 15)) } : {}),
          ...(activation === 'leakyrelu' ? { leakyreluAlpha: 0.3 } : {}),
        });
      const expected = await onBackend('cpu', run);
      configureWasmTrainingKernels({ forward: 'gemm' });
      const actual = await onBackend('wasm', run);
      configureWasmTrainingKernels({ forward: 'auto' });
      expect(maxRelativeDiff(actual, expected)).toBeLessThan(1e-5);
    },
  );

  it.each([
    { shape: [1, 1, 1, 64], reps: [4, 5, 6, 1], dtype: 'float32' },
    { shape: [1, 1, 1, 3], reps: [2, 3, 1, 1], dtype: 'float32' },
    { shape: [2, 3, 1, 4], reps: [3, 1, 5, 2], dtype: 'float32' },
    { shape: [3, 2], reps: [1, 40], dtype: 'float32' },
    { shape: [5], reps: [7], dtype: 'int32' },
    { shape: [2, 1, 3], reps: [2, 33, 1], dtype: 'int32' },
    { shape: [2, 2], reps: [3, 2], dtype: 'bool' },
    { shape: [2, 3], reps: [1, 1], dtype: 'float32' },
    { shape: [2, 3], reps: [0, 2], dtype: 'float32' },
    { shape: [], reps: [], dtype: 'float32' },
  ] as const)('Tile matches cpu: $shape × $reps $dtype', async (c) => {
    const size = c.shape.reduce((a: number, b: number) => a * b, 1);
    const values = Array.from(randomValues(size, 5), (v) =>
      c.dtype === 'float32' ? v : c.dtype === 'int32' ? Math.round(v * 100) : v > 0 ? 1 : 0,
    );
    const compute = () => tf.tile(tf.tensor(values, [...c.shape], c.dtype), [...c.reps]);
    await expectExactlyAsCpu(compute, c.dtype);
  });

  it.each([
    // The gradient of zero padding: a strided block of a 4-D tensor.
    { shape: [2, 6, 6, 4], begin: [0, 1, 1, 0], size: [2, 4, 4, 4], dtype: 'float32' },
    { shape: [3, 5, 7], begin: [1, 0, 2], size: [2, -1, 3], dtype: 'float32' },
    { shape: [4, 6], begin: [1, 0], size: [2, 6], dtype: 'int32' },
    { shape: [2, 3, 4], begin: [0, 1, 0], size: [2, 2, 4], dtype: 'bool' },
    { shape: [5], begin: [2], size: [3], dtype: 'float32' },
    { shape: [2, 3], begin: [0, 0], size: [2, 3], dtype: 'float32' },
    { shape: [2, 3], begin: [1, 1], size: [0, 2], dtype: 'float32' },
  ] as const)('Slice matches cpu: $shape [$begin] size [$size] $dtype', async (c) => {
    const count = c.shape.reduce((a: number, b: number) => a * b, 1);
    const values = Array.from(randomValues(count, 6), (v) =>
      c.dtype === 'float32' ? v : c.dtype === 'int32' ? Math.round(v * 100) : v > 0 ? 1 : 0,
    );
    const compute = () => tf.slice(tf.tensor(values, [...c.shape], c.dtype), [...c.begin], [...c.size]);
    await expectExactlyAsCpu(compute, c.dtype);
  });

  it.each([
    { input: [2, 9, 9, 5], size: 3, stride: 2, pad: 'valid', ties: false },
    { input: [2, 8, 8, 4], size: 3, stride: 2, pad: 'same', ties: true },
    { input: [1, 7, 6, 3], size: 2, stride: 2, pad: 'valid', ties: true },
    { input: [2, 6, 7, 6], size: 3, stride: 1, pad: 'same', ties: false },
    { input: [1, 5, 5, 2], size: 3, stride: 2, pad: 1, ties: true },
    // Multiples of 4 channels take the SIMD path.
    { input: [2, 9, 9, 8], size: 3, stride: 2, pad: 'valid', ties: false },
    { input: [1, 7, 7, 12], size: 3, stride: 2, pad: 1, ties: true },
    { input: [2, 6, 5, 4], size: 3, stride: 1, pad: 'same', ties: false },
  ] as const)('MaxPoolGrad matches cpu: $input k$size s$stride $pad ties=$ties', async (c) => {
    const size = c.input.reduce((a: number, b: number) => a * b, 1);
    // With ties, many equal values (as after ReLU and zero padding) test which window position gets the gradient.
    const x = Array.from(randomValues(size, 7), (v) => (c.ties ? Math.max(0, Math.round(v * 2) / 2) : v));
    const grad = (): tf.Tensor =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as Tensor4D, c.size, c.stride, c.pad), 1.5)))(
        tf.tensor4d(x, [...c.input]),
      );
    const expected = await onBackend('cpu', grad);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = await onBackend('wasm', grad);
    expect(tf.memory().numTensors).toBe(before);
    expect(maxRelativeDiff(actual, expected)).toBeLessThan(1e-6);
  });

  it('multiplies by tap class where padding dominates, as on the 2 × 2 and 4 × 4 maps of ResNet-18 at 64 px', () => {
    const classes = (
      input: [number, number, number, number],
      filter: [number, number, number, number],
      stride: number,
      pad: Pad = 'same',
    ) => payingTapClasses(tf.backend_util.computeConv2DInfo(input, filter, stride, 1, pad));
    expect(classes([32, 2, 2, 512], [3, 3, 512, 512], 1)?.length).toBe(4);
    expect(classes([32, 4, 4, 256], [3, 3, 256, 256], 1)?.length).toBe(9);
    expect(classes([32, 4, 4, 256], [3, 3, 256, 512], 2)?.length).toBe(4);
    // Mostly real patches, or a batch too small to pay for packing the filter once per class.
    expect(classes([32, 8, 8, 128], [3, 3, 128, 128], 1)).toBeUndefined();
    expect(classes([32, 16, 16, 64], [3, 3, 64, 64], 1)).toBeUndefined();
    expect(classes([1, 2, 2, 512], [3, 3, 512, 512], 1)).toBeUndefined();
    expect(classes([32, 2, 2, 512], [1, 1, 512, 512], 1)).toBeUndefined();
    for (const c of classCases) {
      const [, , , ci] = c.input;
      expect(classes(c.input, [c.kernel, c.kernel, ci, c.outChannels], c.stride, c.pad)).toBeDefined();
    }
  });

  it('gives the products per tap class the sums of the product over every tap, bit for bit', async () => {
    await tf.setBackend('wasm');
    const input: [number, number, number, number] = [16, 2, 2, 16];
    const filterShape: [number, number, number, number] = [3, 3, 16, 16];
    expect(
      payingTapClasses(tf.backend_util.computeConv2DInfo(input, filterShape, 1, 1, 'same')),
    ).toBeDefined();
    expect(
      payingTapClasses(tf.backend_util.computeConv2DInfo([1, 2, 2, 16], filterShape, 1, 1, 'same')),
    ).toBeUndefined();
    const x = tf.tensor4d(randomValues(16 * 2 * 2 * 16, 21), input);
    const w = tf.tensor4d(randomValues(3 * 3 * 16 * 16, 22), filterShape);
    const byClass = tf.tidy(() => tf.conv2d(x, w, 1, 'same'));
    const perImage = tf.tidy(() =>
      tf.concat(tf.split(x, 16).map((image) => tf.conv2d(image as Tensor4D, w, 1, 'same'))),
    );
    expect(Array.from(await byClass.data())).toEqual(Array.from(await perImage.data()));
    tf.dispose([x, w, byClass, perImage]);
  });

  it('registers every engine kernel for wasm, in place of the stock ones it replaces', () => {
    for (const kernel of wasmTrainingKernels) {
      expect(tf.getKernel(kernel.kernelName, 'wasm').kernelFunc).toBe(kernel.kernelFunc);
    }
  });

  it('gives the same gradients of a small conv net as the cpu backend', async () => {
    const shapes: [number, number, number, number][] = [
      [7, 7, 3, 8],
      [3, 3, 8, 8],
      [1, 1, 8, 12],
      [3, 3, 8, 12],
      [3, 3, 12, 12],
    ];
    const input = randomValues(2 * 17 * 17 * 3, 11);
    const filters = shapes.map((shape, i) =>
      randomValues(
        shape.reduce((a, b) => a * b),
        20 + i,
      ),
    );
    const gradients = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const values = tf.tidy(() => {
        const x = tf.tensor4d(input, [2, 17, 17, 3]);
        const ws = shapes.map((shape, i) => tf.tensor4d(filters[i]!, shape));
        const net = (...args: tf.Tensor[]): tf.Tensor => {
          const [image, stem, a, shortcut, b, c] = args as [
            Tensor4D,
            Tensor4D,
            Tensor4D,
            Tensor4D,
            Tensor4D,
            Tensor4D,
          ];
          const h = tf.relu(tf.conv2d(image, stem, 2, 'same'));
          const down = tf.conv2d(
            tf.pad(h, [
              [0, 0],
              [1, 1],
              [1, 1],
              [0, 0],
            ]),
            b,
            2,
            'valid',
          );
          const skip = tf.conv2d(tf.conv2d(h, a, 1, 'same'), shortcut, 2, 'valid');
          const out = tf.conv2d(tf.relu(tf.add<Tensor4D>(down, skip)), c, 1, 'same');
          return tf.mean(tf.square(out));
        };
        return tf.grads(net)([x, ...ws]);
      });
      const data = await Promise.all(values.map((t) => t.data<'float32'>()));
      tf.dispose(values);
      return data;
    };
    const expected = await gradients('cpu');
    const actual = await gradients('wasm');
    expected.forEach((e, i) => {
      expect(maxRelativeDiff(actual[i]!, e)).toBeLessThan(1e-4);
    });
  });

  it('clones by sharing data: values survive disposing either tensor, nothing leaks', async () => {
    await tf.setBackend('wasm');
    const dataIdsBefore = tf.backend().numDataIds();
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const copy = tf.clone(x);
    expect(tf.backend().numDataIds()).toBe(dataIdsBefore + 1);
    x.dispose();
    expect(Array.from(await copy.data())).toEqual([1, 2, 3, 4]);
    const again = tf.clone(copy);
    copy.dispose();
    expect(Array.from(await again.data())).toEqual([1, 2, 3, 4]);
    again.dispose();
    expect(tf.backend().numDataIds()).toBe(dataIdsBefore);
    const strings = tf.tensor1d(['a', 'b'], 'string');
    expect(await tf.clone(strings).data()).toEqual(['a', 'b']);
  });

  it('rejects NCHW with a clear error', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros<tf.Rank.R4>([1, 2, 4, 4]);
    const dy = tf.zeros<tf.Rank.R4>([1, 2, 4, 4]);
    expect(() => backpropFilter(x, dy, [3, 3, 2, 2], 1, 'same', 'NCHW')).toThrow(/NHWC/);
    tf.dispose([x, dy]);
  });
});
