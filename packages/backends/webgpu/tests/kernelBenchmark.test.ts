import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type ComputeBackend } from '@nextplay/cls-core';
import {
  MeasuredChoice,
  findAdapter,
  productKernelChoice,
  productKernelDecisions,
  webgpuBackendPlugin,
} from '../src/index.js';
import { WgslKernel, dispatchWgsl, packUniforms } from '../src/kernels/wgslKernel.js';
import { pipelineLabelsDuring } from './pipelineLabels.js';
import { seededValues } from './seededValues.js';

const search = await findAdapter();

/** y = x, after `rounds` rounds of busy work per value: the same result at any cost. */
const copyKernel = new WgslKernel(
  'test copy',
  /* wgsl */ `
struct Uniforms { size: u32, rounds: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: Uniforms;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= u.size) { return; }
  var value = x[id.x];
  var noise = 0.0;
  for (var i = 0u; i < u.rounds; i++) { noise = fract(noise * 1.618 + value); }
  // Never true (fract is below 1), but the compiler cannot know: the loop stays.
  if (noise > 5.0) { value = noise; }
  y[id.x] = value;
}
`,
  8,
);

/**
 * Enough busy work per value for tens of milliseconds on lavapipe: a fast candidate delayed by a busy machine's
 * scheduling (seen: 4 ms) in one of three rounds must not look slower. The choice takes the median of three rounds.
 */
const SLOW_ROUNDS = 20_000;

function copy(backend: WebGPUBackend, x: tf.Tensor, rounds: number) {
  return () => {
    const y = backend.makeTensorInfo(x.shape, 'float32');
    dispatchWgsl(backend, [
      {
        kernel: copyKernel,
        tensors: [x, y],
        uniforms: packUniforms([
          ['u32', x.size],
          ['u32', rounds],
        ]),
        workgroups: [Math.ceil(x.size / 64)],
      },
    ]);
    return y;
  };
}

/** Runs `key` until its choice is made (each call waits for the GPU), at most `calls` times. */
async function chooseBy(
  choice: MeasuredChoice,
  backend: WebGPUBackend,
  key: string,
  candidates: Parameters<MeasuredChoice['run']>[2],
  calls = 50,
): Promise<{ chosen: number | undefined; results: Float32Array[] }> {
  const results: Float32Array[] = [];
  for (let call = 0; call < calls && choice.chosen(key) === undefined; call++) {
    const output = choice.run(backend, key, candidates);
    const tensor = tf.engine().makeTensorFromTensorInfo(output);
    results.push((await tensor.data()) as Float32Array);
    tensor.dispose();
  }
  return { chosen: choice.chosen(key), results };
}

describe.skipIf(!search.found)('choosing kernels by GPU time (trainer.benchmark)', () => {
  let backend: ComputeBackend;
  let webgpu: WebGPUBackend;

  beforeAll(async () => {
    backend = await webgpuBackendPlugin.create(
      {},
      { logger: createLogger({ console: false }), threads: 1, accelerator: 'gpu' },
    );
    await backend.probe();
    await backend.activate();
    webgpu = tf.backend() as unknown as WebGPUBackend;
  });

  afterAll(() => {
    backend.setKernelBenchmark?.(false);
  });

  it('keeps the faster of two kernels for a shape, whichever comes first, and returns the first one’s result meanwhile', async () => {
    const x = tf.tensor1d(seededValues(4096, 1));
    const expected = await x.data();
    const fast = copy(webgpu, x, 1);
    const slow = copy(webgpu, x, SLOW_ROUNDS);
    const dataIds = webgpu.numDataIds();
    for (const [candidates, fastest] of [
      [[slow, fast], 1],
      [[fast, slow], 0],
    ] as const) {
      const choice = new MeasuredChoice(3);
      const { chosen, results } = await chooseBy(choice, webgpu, 'copy', candidates);
      expect(chosen).toBe(fastest);
      // Three timed rounds, then (if the timings are not back yet) the first candidate alone, then the fastest.
      expect(results.length).toBeGreaterThanOrEqual(3);
      for (const result of results) expect(result).toEqual(expected);
      const after = choice.run(webgpu, 'copy', candidates);
      expect(await tf.engine().makeTensorFromTensorInfo(after).data()).toEqual(expected);
      webgpu.disposeData(after.dataId);
    }
    // The timed rounds' other outputs were released.
    expect(webgpu.numDataIds()).toBe(dataIds);
    x.dispose();
  });

  it('rules out a candidate that throws, rethrows the first one’s failure, and leaves tfjs’s timers as they were', async () => {
    const x = tf.tensor1d(seededValues(256, 6));
    const expected = await x.data();
    const broken = () => {
      throw new Error('this kernel cannot take that shape');
    };
    const timers = () => (webgpu as unknown as { activeTimers?: unknown }).activeTimers ?? null;
    const choice = new MeasuredChoice(2);
    const { chosen, results } = await chooseBy(choice, webgpu, 'broken second', [copy(webgpu, x, 1), broken]);
    expect(chosen).toBe(0);
    for (const result of results) expect(result).toEqual(expected);
    expect(() => choice.run(webgpu, 'broken first', [broken, copy(webgpu, x, 1)])).toThrow(
      'this kernel cannot take that shape',
    );
    expect(timers()).toBeNull();
    x.dispose();
  });

  it('times each shape on its own', async () => {
    const small = tf.tensor1d(seededValues(64, 2));
    const large = tf.tensor1d(seededValues(8192, 3));
    const choice = new MeasuredChoice(3);
    // One workgroup: many more rounds for the same time as the larger tensor's.
    const onSmall = await chooseBy(choice, webgpu, 'small', [
      copy(webgpu, small, SLOW_ROUNDS * 64),
      copy(webgpu, small, 1),
    ]);
    expect(onSmall.chosen).toBe(1);
    expect(choice.chosen('large')).toBeUndefined();
    const onLarge = await chooseBy(choice, webgpu, 'large', [
      copy(webgpu, large, 1),
      copy(webgpu, large, SLOW_ROUNDS),
    ]);
    expect(onLarge.chosen).toBe(0);
    tf.dispose([small, large]);
  });

  /** Convolves until trainer.benchmark has chosen for these shapes: the results meanwhile and what ran. */
  async function convolveUntilChosen(x: tf.Tensor4D, w: tf.Tensor4D, precision: 'float32' | 'float16') {
    const decision = () =>
      productKernelDecisions().find(
        (made) =>
          made.kernel === 'Conv2D' &&
          made.precision === precision &&
          made.call.includes(JSON.stringify(x.shape)) &&
          made.call.includes(JSON.stringify(w.shape)),
      );
    let chosen: string | undefined;
    const results: Float32Array[] = [];
    const pipelines = await pipelineLabelsDuring(async () => {
      for (let call = 0; call < 50 && chosen === undefined; call++) {
        const y = tf.conv2d(x, w, 1, 'same');
        results.push((await y.data()) as Float32Array);
        y.dispose();
        chosen = decision()?.chosen;
      }
    });
    return { chosen, results, pipelines };
  }

  it('under trainer.benchmark, times tfjs-webgpu’s convolution and ours with each tile size per shape, with the cpu backend’s result', async () => {
    backend.setKernelBenchmark?.(true);
    expect(productKernelChoice()).toBe('measure');
    const x = tf.tensor4d(seededValues(2 * 9 * 9 * 8, 4), [2, 9, 9, 8]);
    const w = tf.tensor4d(seededValues(3 * 3 * 8 * 16, 5), [3, 3, 8, 16]);
    const { chosen, results, pipelines } = await convolveUntilChosen(x, w, 'float32');
    expect(['stock', 'ours-64', 'ours-128']).toContain(chosen);
    expect(pipelines).toContain('Conv2D 64² tiles (f32)');
    expect(pipelines).toContain('Conv2D 128² tiles (f32)');
    await tf.setBackend('cpu');
    const reference = (await tf
      .conv2d(tf.tensor4d(await x.data(), x.shape), tf.tensor4d(await w.data(), w.shape), 1, 'same')
      .data()) as Float32Array;
    await tf.setBackend('webgpu');
    for (const result of results) {
      const worst = Math.max(...result.map((v, i) => Math.abs(v - (reference[i] ?? NaN))));
      expect(worst).toBeLessThan(1e-4);
    }
    backend.setKernelBenchmark?.(false);
    expect(productKernelChoice()).toBe('stock');
    tf.dispose([x, w]);
  });

  it('under trainer.benchmark and 16-mixed, times our tile sizes only, all in float16', async () => {
    if (backend.setMixedPrecision?.(true).enabled !== true) return;
    backend.setKernelBenchmark?.(true);
    const x = tf.tensor4d(seededValues(2 * 7 * 7 * 8, 6), [2, 7, 7, 8]);
    const w = tf.tensor4d(seededValues(3 * 3 * 8 * 4, 7), [3, 3, 8, 4]);
    try {
      const { chosen, pipelines } = await convolveUntilChosen(x, w, 'float16');
      expect(['ours-64', 'ours-128']).toContain(chosen);
      const convolutions = pipelines.filter((label) => label.startsWith('Conv2D '));
      expect(new Set(convolutions)).toEqual(new Set(['Conv2D 64² tiles (f16)', 'Conv2D 128² tiles (f16)']));
    } finally {
      backend.setKernelBenchmark?.(false);
      backend.setMixedPrecision(false);
      tf.dispose([x, w]);
    }
  });
});
