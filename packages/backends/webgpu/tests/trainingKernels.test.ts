import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADAM_STEP,
  ADD_RELU,
  BATCH_NORM_TRAINING,
  BATCH_NORM_TRAINING_GRAD,
  RELU_GRAD,
  SGD_STEP,
  SOFTMAX_CROSS_ENTROPY,
  SOFTMAX_CROSS_ENTROPY_GRAD,
  UNSCALE_GRADIENTS,
  createLogger,
  type AdamStepAttrs,
  type SgdStepAttrs,
} from '@nextplay/cls-core';
import { findAdapter, webgpuBackendPlugin } from '../src/index.js';
import { pipelineLabelsDuring } from './pipelineLabels.js';
import { seededValues } from './seededValues.js';

// Each kernel is checked against the formula evaluated here in double precision on the same float32 inputs.
const search = await findAdapter();

async function run(
  kernelName: string,
  inputs: Record<string, Float32Array>,
  shapes: Record<string, number[]>,
  attrs: object,
) {
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([name, values]) => [name, tf.tensor(values, shapes[name])]),
  );
  const outputs = tf.engine().runKernel<tf.Tensor[]>(kernelName, tensors, { ...attrs });
  const values = (await Promise.all(outputs.map((t) => t.data()))) as Float32Array[];
  tf.dispose([...Object.values(tensors), ...outputs]);
  return values;
}

function maxRelativeError(actual: Float32Array, expected: readonly number[] | Float32Array): number {
  let scale = 1e-6;
  for (const value of expected) scale = Math.max(scale, Math.abs(value));
  let worst = 0;
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => {
    worst = Math.max(worst, Math.abs(value - (expected[i] ?? NaN)) / scale);
  });
  return worst;
}

/** Per-channel mean and biased variance of x viewed as [rows, channels]. */
function channelMoments(x: Float32Array, channels: number): { mean: number[]; variance: number[] } {
  const rows = x.length / channels;
  const mean = Array.from({ length: channels }, (_, c) => {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * channels + c] ?? 0;
    return sum / rows;
  });
  const variance = mean.map((m, c) => {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += ((x[r * channels + c] ?? 0) - m) ** 2;
    return sum / rows;
  });
  return { mean, variance };
}

describe.skipIf(!search.found)('the WebGPU backend’s training kernels on this machine’s adapter', () => {
  beforeAll(async () => {
    const backend = await webgpuBackendPlugin.create(
      {},
      { logger: createLogger({ console: false }), threads: 1, accelerator: 'gpu' },
    );
    await backend.probe();
    await backend.activate();
  });

  // Shapes: one slice and one channel tile; several row slices, a channel tile and a remainder, rows not divisible;
  // 31 slices, the most that one pass adds up before its elementwise part, over three channel tiles; more slices
  // (72) than the lanes that add them up (64), with channels not a multiple of a workgroup's 4, in three passes.
  const bnCases = [
    { shape: [2, 3, 5, 7], offset: 0 },
    { shape: [3, 17, 23, 70], offset: 0 },
    { shape: [4, 9, 9, 16], offset: 300 },
    { shape: [2, 63, 64, 130], offset: 0 },
    { shape: [2, 96, 96, 5], offset: 0 },
  ];

  const bnActivationCases = bnCases.flatMap((bnCase) =>
    (['linear', 'relu'] as const).map((activation) => ({ ...bnCase, activation })),
  );

  it.each(bnActivationCases)(
    'batch-norm training forward for x $shape (mean offset $offset), $activation',
    async ({ shape, offset, activation }) => {
      const channels = shape.at(-1) ?? 1;
      const size = shape.reduce((a, b) => a * b, 1);
      const x = seededValues(size, 1, 2, offset);
      const gamma = seededValues(channels, 2, 1, 1);
      const beta = seededValues(channels, 3);
      const movingMean = seededValues(channels, 7, 1, offset);
      const movingVariance = seededValues(channels, 8, 1, 2);
      const epsilon = 1e-5;
      const momentum = 0.9;
      const [y, mean, variance, updatedMean, updatedVariance] = (await run(
        BATCH_NORM_TRAINING,
        { x, gamma, beta, movingMean, movingVariance },
        { x: shape, gamma: [channels], beta: [channels], movingMean: [channels], movingVariance: [channels] },
        { epsilon, momentum, activation },
      )) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      const expected = channelMoments(x, channels);
      expect(maxRelativeError(mean, expected.mean)).toBeLessThan(2e-5);
      expect(maxRelativeError(variance, expected.variance)).toBeLessThan(offset === 0 ? 1e-5 : 1e-3);
      const movingAverage = (moving: Float32Array, batch: number[]) =>
        Array.from(moving, (old, c) => old - (old - (batch[c] ?? 0)) * (1 - momentum));
      expect(maxRelativeError(updatedMean, movingAverage(movingMean, expected.mean))).toBeLessThan(2e-5);
      expect(
        maxRelativeError(updatedVariance, movingAverage(movingVariance, expected.variance)),
      ).toBeLessThan(offset === 0 ? 1e-5 : 1e-3);
      const expectedY = Array.from(x, (value, i) => {
        const c = i % channels;
        const m = expected.mean[c] ?? 0;
        const v = expected.variance[c] ?? 0;
        const normalized = ((value - m) / Math.sqrt(v + epsilon)) * (gamma[c] ?? 0) + (beta[c] ?? 0);
        return activation === 'relu' ? Math.max(normalized, 0) : normalized;
      });
      expect(maxRelativeError(y, expectedY)).toBeLessThan(offset === 0 ? 1e-5 : 1e-3);
      if (activation === 'relu') expect(y.some((v) => v === 0) && y.every((v) => v >= 0)).toBe(true);
    },
  );

  it.each(bnActivationCases)(
    'batch-norm training backward for x $shape, $activation',
    async ({ shape, offset, activation }) => {
      const channels = shape.at(-1) ?? 1;
      const size = shape.reduce((a, b) => a * b, 1);
      const rows = size / channels;
      const x = seededValues(size, 4, 2, offset);
      const incoming = seededValues(size, 5);
      // With relu: the forward's rectified output, about half of it 0, and dy taken through relu's gradient.
      const rectified = seededValues(size, 9).map((v) => Math.max(v, 0));
      const dy = activation === 'relu' ? incoming.map((g, i) => ((rectified[i] ?? 0) > 0 ? g : 0)) : incoming;
      const gamma = seededValues(channels, 6, 1, 1);
      const moments = channelMoments(x, channels);
      const mean = Float32Array.from(moments.mean);
      const variance = Float32Array.from(moments.variance);
      const epsilon = 1e-3;
      const [dx, dGamma, dBeta] = (await run(
        BATCH_NORM_TRAINING_GRAD,
        { dy: incoming, x, mean, variance, gamma, ...(activation === 'relu' ? { y: rectified } : {}) },
        { dy: shape, x: shape, mean: [channels], variance: [channels], gamma: [channels], y: shape },
        { epsilon, activation },
      )) as [Float32Array, Float32Array, Float32Array];
      const invStd = Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon));
      const expectedBeta = new Array<number>(channels).fill(0);
      const expectedGamma = new Array<number>(channels).fill(0);
      const normalized = Array.from(
        x,
        (value, i) => (value - (mean[i % channels] ?? 0)) * (invStd[i % channels] ?? 0),
      );
      dy.forEach((g, i) => {
        const c = i % channels;
        expectedBeta[c] = (expectedBeta[c] ?? 0) + g;
        expectedGamma[c] = (expectedGamma[c] ?? 0) + g * (normalized[i] ?? 0);
      });
      const expectedDx = Array.from(dy, (g, i) => {
        const c = i % channels;
        const centered =
          g - (expectedBeta[c] ?? 0) / rows - ((normalized[i] ?? 0) * (expectedGamma[c] ?? 0)) / rows;
        return (gamma[c] ?? 0) * (invStd[c] ?? 0) * centered;
      });
      expect(maxRelativeError(dBeta, expectedBeta)).toBeLessThan(1e-5);
      expect(maxRelativeError(dGamma, expectedGamma)).toBeLessThan(1e-4);
      expect(maxRelativeError(dx, expectedDx)).toBeLessThan(1e-4);
    },
  );

  // Where the tensors are: uploaded from the CPU on the kernel's first use (new results); already on the GPU and
  // their own (written in place); on the GPU with a clone of parameter 2 held (it gets new results, so the clone
  // keeps its values; the rest in place); on the GPU with their values also cached on the CPU by a read (new
  // results, so the cache stays right); on the GPU while parameter 2 is being read (new results for it: the read
  // caches its values when it finishes).
  const adamPlacements = [
    'uploaded',
    'on the GPU',
    'with a clone of one',
    'read back before',
    'while one is read',
  ] as const;
  it.each(
    [
      { name: 'Adam with L2 decay', decoupled: false },
      { name: 'AdamW', decoupled: true },
    ].flatMap((optimizer) => adamPlacements.map((placement) => ({ ...optimizer, placement }))),
  )(
    'one $name step of five parameters $placement in one kernel call, as torch computes it',
    async ({ decoupled, placement }) => {
      // Sizes with remainders and single values; weight decay on some parameters only, as on weights, not biases.
      const shapes = [[10, 100], [3], [4097], [1], [8, 80]];
      const decays = [0.05, 0, 0.01, 0, 0.02];
      const parameters = shapes.map((shape, i) => {
        const size = shape.reduce((a, b) => a * b, 1);
        return {
          shape,
          parameter: seededValues(size, 7 + 4 * i),
          gradient: seededValues(size, 8 + 4 * i, 0.1),
          m: seededValues(size, 9 + 4 * i, 0.01),
          v: seededValues(size, 10 + 4 * i, 0.001, 0.001),
        };
      });
      const attrs: AdamStepAttrs = {
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        lr: 0.003,
        decoupledDecay: decays.map((decay) => (decoupled ? decay : 0)),
        l2Decay: decays.map((decay) => (decoupled ? 0 : decay)),
        correction1: 1 - 0.9 ** 3,
        correction2: 1 - 0.999 ** 3,
      };
      const inputs = parameters.flatMap(({ shape, parameter, gradient, m, v }) =>
        [parameter, gradient, m, v].map((values) => {
          const tensor = tf.tensor(values, shape);
          // Its values move to a GPU buffer and leave the CPU, as a kernel's result has them.
          if (placement !== 'uploaded') (tf.backend() as unknown as WebGPUBackend).uploadToGPU(tensor.dataId);
          return tensor;
        }),
      );
      if (placement === 'read back before') await Promise.all(inputs.map((t) => t.data()));
      const clone = placement === 'with a clone of one' ? inputs[8]?.clone() : undefined;
      const pending = placement === 'while one is read' ? inputs[8]?.data() : undefined;
      const inPlace = (i: number): boolean =>
        placement === 'on the GPU' ||
        ((placement === 'with a clone of one' || placement === 'while one is read') && i !== 2);
      let outputs: tf.Tensor[] = [];
      const labels = await pipelineLabelsDuring(async () => {
        outputs = tf
          .engine()
          .runKernel<tf.Tensor[]>(ADAM_STEP, inputs as unknown as tf.NamedTensorMap, attrs);
        await Promise.all(outputs.map((t) => t.data()));
      });
      // As many parameters per dispatch as the device's storage buffers allow (4 each in place, else 7), at most 4.
      const { maxStorageBuffersPerShaderStage } = (tf.backend() as unknown as { device: GPUDevice }).device
        .limits;
      const dispatches = (count: number, buffers: number): string[] =>
        Array.from(
          {
            length: Math.ceil(
              count / Math.max(1, Math.min(4, Math.floor(maxStorageBuffersPerShaderStage / buffers))),
            ),
          },
          () => (buffers === 4 ? `${ADAM_STEP} in place` : ADAM_STEP),
        );
      const inPlaceCount = shapes.filter((_, i) => inPlace(i)).length;
      expect(labels).toEqual([
        ...dispatches(inPlaceCount, 4),
        ...dispatches(shapes.length - inPlaceCount, 7),
      ]);
      expect(outputs).toHaveLength(3 * shapes.length);
      outputs.forEach((output, k) => {
        const parameterIndex = Math.floor(k / 3);
        const input = inputs[4 * parameterIndex + [0, 2, 3][k % 3]!];
        expect(output.dataId === input?.dataId).toBe(inPlace(parameterIndex));
      });
      if (pending !== undefined) {
        expect(maxRelativeError((await pending) as Float32Array, parameters[2]?.parameter ?? [])).toBe(0);
      }
      if (clone !== undefined) {
        expect(maxRelativeError((await clone.data()) as Float32Array, parameters[2]?.parameter ?? [])).toBe(
          0,
        );
        clone.dispose();
      }
      for (const [i, { parameter, gradient, m, v }] of parameters.entries()) {
        const [p1, m1, v1] = (await Promise.all(outputs.slice(3 * i, 3 * i + 3).map((t) => t.data()))) as [
          Float32Array,
          Float32Array,
          Float32Array,
        ];
        const decoupledDecay = attrs.decoupledDecay[i] ?? NaN;
        const l2Decay = attrs.l2Decay[i] ?? NaN;
        const expected = { p: [] as number[], m: [] as number[], v: [] as number[] };
        parameter.forEach((p, j) => {
          const g = (gradient[j] ?? 0) + l2Decay * p;
          const mj = 0.9 * (m[j] ?? 0) + 0.1 * g;
          const vj = 0.999 * (v[j] ?? 0) + 0.001 * g * g;
          expected.m.push(mj);
          expected.v.push(vj);
          const denominator = Math.sqrt(vj / attrs.correction2) + attrs.eps;
          expected.p.push(
            p * (1 - attrs.lr * decoupledDecay) - ((attrs.lr / attrs.correction1) * mj) / denominator,
          );
        });
        expect(maxRelativeError(m1, expected.m)).toBeLessThan(1e-6);
        expect(maxRelativeError(v1, expected.v)).toBeLessThan(1e-6);
        expect(maxRelativeError(p1, expected.p)).toBeLessThan(1e-6);
      }
      tf.dispose([...inputs, ...outputs]);
    },
  );

  it.each([
    { bad: null, where: 'nowhere' },
    { bad: Infinity, where: 'the last gradient' },
    { bad: -Infinity, where: 'the first gradient' },
    { bad: NaN, where: 'a middle gradient' },
  ])('unscales ten gradients in one kernel call and flags $bad in $where', async ({ bad, where }) => {
    const shapes = [[3], [1000], [1], [7, 9], [4097], [2], [64, 3], [5], [300], [11]];
    const values = shapes.map((shape, i) =>
      seededValues(
        shape.reduce((a, b) => a * b, 1),
        30 + i,
        3e4,
      ),
    );
    const badGradient = {
      nowhere: -1,
      'the last gradient': 9,
      'the first gradient': 0,
      'a middle gradient': 4,
    }[where];
    if (bad !== null && badGradient !== undefined) {
      const target = values[badGradient];
      if (target !== undefined) target[target.length - 1] = bad;
    }
    // Finite values whose sum overflows float32 are not inf: each value is checked.
    values[1]?.fill(3e38, 0, 4);
    const gradients = values.map((v, i) => tf.tensor(v, shapes[i]));
    let outputs: tf.Tensor[] = [];
    const labels = await pipelineLabelsDuring(async () => {
      outputs = tf
        .engine()
        .runKernel<tf.Tensor[]>(UNSCALE_GRADIENTS, gradients as unknown as tf.NamedTensorMap, {
          scale: 2 ** -16,
        });
      await Promise.all(outputs.map((t) => t.data()));
    });
    // As many gradients per dispatch as the device's storage buffers allow (2 each, and the flag), at most 8.
    const { maxStorageBuffersPerShaderStage } = (tf.backend() as unknown as { device: GPUDevice }).device
      .limits;
    const perDispatch = Math.max(1, Math.min(8, Math.floor((maxStorageBuffersPerShaderStage - 1) / 2)));
    expect(labels).toEqual(
      Array.from({ length: Math.ceil(shapes.length / perDispatch) }, () => UNSCALE_GRADIENTS),
    );
    expect(outputs).toHaveLength(shapes.length + 1);
    const flag = outputs.at(-1);
    expect(flag?.dtype).toBe('int32');
    expect(flag?.shape).toEqual([]);
    expect(Array.from((await flag?.data()) ?? [])).toEqual([bad === null ? 0 : 1]);
    for (const [i, v] of values.entries()) {
      const scaled = (await outputs[i]?.data()) as Float32Array;
      expect(outputs[i]?.shape).toEqual(shapes[i]);
      // A power-of-two scale is exact: the same bits as the float32 product, NaN included.
      expect(Array.from(scaled)).toEqual(Array.from(v, (x) => Math.fround(x * 2 ** -16)));
    }
    tf.dispose([...gradients, ...outputs]);
  });

  it('says what ClsAdamStep needs when its inputs are not four per parameter', () => {
    const [p, g, m] = [1, 2, 3].map((value) => tf.tensor([value]));
    expect(() =>
      tf.engine().runKernel(ADAM_STEP, [p, g, m] as unknown as tf.NamedTensorMap, {
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        lr: 1e-3,
        decoupledDecay: [0],
        l2Decay: [0],
        correction1: 0.1,
        correction2: 0.001,
      }),
    ).toThrow('ClsAdamStep needs an array of [parameter, gradient, m, v] per parameter');
    tf.dispose([p, g, m].filter((t): t is tf.Tensor => t !== undefined));
  });

  it.each(
    [
      { momentum: 0, nesterov: false, firstStep: false },
      { momentum: 0.9, nesterov: false, firstStep: true },
      { momentum: 0.9, nesterov: false, firstStep: false },
      { momentum: 0.9, nesterov: true, firstStep: false },
    ].flatMap((options) =>
      (['uploaded', 'on the GPU'] as const).map((placement) => ({ ...options, placement })),
    ),
  )(
    'one SGD step of five parameters $placement (momentum $momentum, nesterov $nesterov, first $firstStep)',
    async (options) => {
      // Sizes with remainders and single values; decay on some parameters only; one parameter on a later step.
      const sizes = [777, 1, 4097, 3, 64];
      const decays = [1e-3, 0, 2e-3, 0, 5e-4];
      const firstSteps = sizes.map((_, i) => options.firstStep && i !== 2);
      const dampening = options.nesterov ? 0 : 0.2;
      const { momentum, nesterov } = options;
      const attrs: SgdStepAttrs = {
        lr: 0.05,
        momentum,
        dampening,
        nesterov,
        weightDecay: decays,
        firstStep: firstSteps,
      };
      const withBuffer = momentum > 0;
      const parameters = sizes.map((size, i) => ({
        parameter: seededValues(size, 11 + 3 * i),
        gradient: seededValues(size, 12 + 3 * i, 0.1),
        buffer: seededValues(size, 13 + 3 * i, 0.1),
      }));
      const inputs = parameters.flatMap(({ parameter, gradient, buffer }) =>
        (withBuffer ? [parameter, gradient, buffer] : [parameter, gradient]).map((values) => {
          const tensor = tf.tensor(values);
          // On the GPU alone, the parameter and buffer are written in place.
          if (options.placement === 'on the GPU') {
            (tf.backend() as unknown as WebGPUBackend).uploadToGPU(tensor.dataId);
          }
          return tensor;
        }),
      );
      let outputs: tf.Tensor[] = [];
      const labels = await pipelineLabelsDuring(async () => {
        outputs = tf.engine().runKernel<tf.Tensor[]>(SGD_STEP, inputs as unknown as tf.NamedTensorMap, attrs);
        await Promise.all(outputs.map((t) => t.data()));
      });
      const { maxStorageBuffersPerShaderStage } = (tf.backend() as unknown as { device: GPUDevice }).device
        .limits;
      const inPlace = options.placement === 'on the GPU';
      const buffers = (withBuffer ? 3 : 2) + (inPlace ? 0 : withBuffer ? 2 : 1);
      const perDispatch = Math.max(1, Math.min(4, Math.floor(maxStorageBuffersPerShaderStage / buffers)));
      expect(labels).toEqual(
        Array.from(
          { length: Math.ceil(sizes.length / perDispatch) },
          () => `${SGD_STEP}${withBuffer ? ' momentum' : ''}${inPlace ? ' in place' : ''}`,
        ),
      );
      const each = withBuffer ? 2 : 1;
      expect(outputs).toHaveLength(each * sizes.length);
      outputs.forEach((output, k) => {
        const input = inputs[(each + 1) * Math.floor(k / each) + (k % each === 0 ? 0 : 2)];
        expect(output.dataId === input?.dataId).toBe(inPlace);
      });
      for (const [k, { parameter, gradient, buffer }] of parameters.entries()) {
        const weightDecay = decays[k] ?? NaN;
        const expectedP: number[] = [];
        const expectedBuffer: number[] = [];
        parameter.forEach((p, i) => {
          const g = (gradient[i] ?? 0) + weightDecay * p;
          const b = !withBuffer || firstSteps[k] ? g : momentum * (buffer[i] ?? 0) + (1 - dampening) * g;
          expectedBuffer.push(b);
          const step = withBuffer ? (nesterov ? g + momentum * b : b) : g;
          expectedP.push(p - attrs.lr * step);
        });
        const [nextParameter, nextBuffer] = (await Promise.all(
          outputs.slice(each * k, each * k + each).map((t) => t.data()),
        )) as Float32Array[];
        expect(maxRelativeError(nextParameter!, expectedP)).toBeLessThan(1e-6);
        if (withBuffer) expect(maxRelativeError(nextBuffer!, expectedBuffer)).toBeLessThan(1e-6);
      }
      tf.dispose([...inputs, ...outputs]);
    },
  );

  it('ReLU gradient: dy where relu(x) > 0, 0 elsewhere and NaN where x is NaN, as tfjs differentiates relu', async () => {
    // More values than one dispatch's threads cover (a grid-stride loop), with zeros, infinities and NaN first.
    const size = 65_535 * 4 + 11;
    const x = seededValues(size, 21);
    x.set([0, -0, NaN, Infinity, -Infinity, 1e-30, -1e-30]);
    const dy = seededValues(size, 22, 3);
    const xTensor = tf.tensor(x);
    const dyTensor = tf.tensor(dy);
    const y = tf.relu(xTensor);
    const fused = tf.engine().runKernel<tf.Tensor>(RELU_GRAD, { dy: dyTensor, y }, {});
    const stock = tf.grad((t: tf.Tensor) => tf.relu(t))(xTensor, dyTensor);
    const [ours, theirs] = (await Promise.all([fused.data(), stock.data()])) as Float32Array[];
    tf.dispose([xTensor, dyTensor, y, fused, stock]);
    // dx is +0 where relu(x) is 0, as torch's threshold_backward; tfjs's dy·0 is −0 for negative dy.
    const differing = (actual: Float32Array, expected: (i: number) => number) =>
      actual.filter(
        (value, i) => !(value === expected(i) || (Number.isNaN(value) && Number.isNaN(expected(i)))),
      ).length;
    const formula = (i: number) => {
      const value = x[i] ?? NaN;
      return Number.isNaN(value) ? NaN : value > 0 ? (dy[i] ?? NaN) : 0;
    };
    expect(Array.from(ours!.subarray(0, 7))).toEqual([0, 0, NaN, dy[3], 0, dy[5], 0]);
    expect(differing(ours!, formula)).toBe(0);
    expect(differing(ours!, (i) => theirs![i] ?? NaN)).toBe(0);
  });

  // One sample and two classes; a batch with a label outside the classes (no one-hot term); more samples than a
  // workgroup's threads, with many classes; each with and without label smoothing.
  it.each(
    [
      { rows: 1, classes: 2 },
      { rows: 64, classes: 10 },
      { rows: 300, classes: 1000 },
    ].flatMap((shape) => [0, 0.1].map((labelSmoothing) => ({ ...shape, labelSmoothing }))),
  )(
    'softmax cross-entropy and its gradient for $rows × $classes logits, label smoothing $labelSmoothing',
    async ({ rows, classes, labelSmoothing }) => {
      const logits = seededValues(rows * classes, 31, 8);
      const labels = Int32Array.from({ length: rows }, (_, r) => (r * 7 + 3) % classes);
      if (rows > 1) labels[1] = classes;
      const dy = 0.75;
      const logitsTensor = tf.tensor2d(logits, [rows, classes]);
      const labelsTensor = tf.tensor1d(labels, 'int32');
      const dyTensor = tf.scalar(dy);
      const attrs = { labelSmoothing };
      const loss = tf
        .engine()
        .runKernel<tf.Tensor>(SOFTMAX_CROSS_ENTROPY, { logits: logitsTensor, labels: labelsTensor }, attrs);
      const dLogits = tf
        .engine()
        .runKernel<tf.Tensor>(
          SOFTMAX_CROSS_ENTROPY_GRAD,
          { dy: dyTensor, logits: logitsTensor, labels: labelsTensor },
          attrs,
        );
      const [lossValue, gradient] = (await Promise.all([loss.data(), dLogits.data()])) as Float32Array[];
      tf.dispose([logitsTensor, labelsTensor, dyTensor, loss, dLogits]);
      // In double precision: per row log-sum-exp, targets (1 − ε)·one_hot + ε/k, the mean over rows.
      let total = 0;
      const expectedGradient: number[] = [];
      for (let r = 0; r < rows; r++) {
        const row = Array.from(logits.subarray(r * classes, (r + 1) * classes));
        const top = Math.max(...row);
        const lse = top + Math.log(row.reduce((sum, x) => sum + Math.exp(x - top), 0));
        row.forEach((x, c) => {
          const target = (labels[r] === c ? 1 - labelSmoothing : 0) + labelSmoothing / classes;
          total += target * (lse - x);
          expectedGradient.push((dy / rows) * (Math.exp(x - lse) - target));
        });
      }
      expect(maxRelativeError(lossValue!, [total / rows])).toBeLessThan(1e-5);
      expect(maxRelativeError(gradient!, expectedGradient)).toBeLessThan(1e-5);
    },
  );

  it('says what softmax cross-entropy needs when its labels do not match its logits', () => {
    const logits = tf.zeros([4, 3]);
    const labels = tf.tensor1d([0, 1, 2], 'int32');
    expect(() =>
      tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits, labels }, { labelSmoothing: 0 }),
    ).toThrow(
      'ClsSoftmaxCrossEntropy needs float32 logits [n, k] and int32 labels [n] (got float32 [4, 3] and int32 [3])',
    );
    tf.dispose([logits, labels]);
  });

  it('residual sum and ReLU: relu(a + b) in one kernel, NaN kept, and a one-line error for shapes that differ', async () => {
    const size = 65_535 * 4 + 5;
    const a = seededValues(size, 41, 2);
    const b = seededValues(size, 42, 2);
    a.set([NaN, 1, -1, Infinity]);
    b.set([1, -1, 0.5, -Infinity]);
    const [aTensor, bTensor] = [tf.tensor(a), tf.tensor(b)];
    const y = tf.engine().runKernel<tf.Tensor>(ADD_RELU, { a: aTensor, b: bTensor }, {});
    const values = (await y.data()) as Float32Array;
    const expected = (i: number) => Math.max(Math.fround((a[i] ?? NaN) + (b[i] ?? NaN)), 0);
    expect(Array.from(values.subarray(0, 4))).toEqual([NaN, 0, 0, NaN]);
    expect(
      values.filter((v, i) => !(v === expected(i) || (Number.isNaN(v) && Number.isNaN(expected(i))))).length,
    ).toBe(0);
    const other = tf.zeros([size + 1]);
    expect(() => tf.engine().runKernel(ADD_RELU, { a: aTensor, b: other }, {})).toThrow(
      `ClsAddRelu needs float32 a and b of one shape (got [${size}] and [${size + 1}])`,
    );
    tf.dispose([aTensor, bTensor, y, other]);
  });

  it('counts each fused step as one kernel and leaks no tensor or GPU memory', async () => {
    const x = tf.tensor(seededValues(2 * 8 * 8 * 32, 14), [2, 8, 8, 32]);
    const gamma = tf.ones([32]);
    const beta = tf.zeros([32]);
    const inputs = { x, gamma, beta, movingMean: tf.zeros([32]), movingVariance: tf.ones([32]) };
    const attrs = { epsilon: 1e-5, momentum: 0.9 };
    const step = async () => {
      const outputs = tf.engine().runKernel<tf.Tensor[]>(BATCH_NORM_TRAINING, inputs, attrs);
      await Promise.all(outputs.map((t) => t.data()));
      tf.dispose(outputs);
    };
    // Once first, profiled too: the first timed kernel makes tfjs's timestamp resolve buffer, which it keeps.
    await tf.profile(step);
    const before = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
    const profile = await tf.profile(step);
    // Our kernels are timed: their dispatches' GPU time is the kernel's.
    expect(profile.kernels[0]?.kernelTimeMs).toBeGreaterThan(0);
    const after = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
    expect(profile.kernelNames).toEqual([BATCH_NORM_TRAINING]);
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytesInGPU).toBe(before.numBytesInGPU);
    tf.dispose(Object.values(inputs));
  });
});
