#!/usr/bin/env node
// Convolutions and their gradients on the WebGPU backend, on ResNet-18's shapes, several ways each in the same run:
// the forward by tfjs-webgpu, by ours and by ours in float16 (16-mixed); the filter gradient by stock tfjs-webgpu,
// by ours (tiled, split-K) and by ours in float16; the input gradient by tfjs-webgpu's naive kernel, by its
// matrix-product program, by ours and by ours in float16. Ours runs with 64² tiles (`ours`, `f16`) and with 128²
// tiles (`ours128`, `f16_128`); trainer.benchmark picks among tfjs-webgpu's and ours with each tile size per shape.
// ms per call, GFLOP/s (2·M·N·K each), and the largest difference relative to the largest value of the first way.
// float16 is skipped, with the reason, where the adapter lacks shader-f16. On a software adapter (lavapipe, a CPU)
// the default is 32 px batch 8; on a GPU 64 px batch 64.
//
// Usage: node tools/bench-webgpu-kernels.mjs [--size=N] [--batch=N] [--reps=N]. Build the packages first.
import { createLogger, PluginRegistry } from '@nextplay/cls-core';
import { selectBackend } from '@nextplay/cls-engine';
import {
  registerWebGpuTrainingKernels,
  setProductKernelChoice,
  unregisterWebGpuTrainingKernels,
  webgpuBackendPlugin,
} from '@nextplay/cls-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import { integerOptions } from './lib/resnetTraining.mjs';

const options = integerOptions({ size: null, batch: null, reps: 5 });
const logger = createLogger({ level: 1 });
const backend = await selectBackend('gpu', new PluginRegistry().register(webgpuBackendPlugin), logger);
const software = backend.adapter?.software === true;
const size = options.size ?? (software ? 32 : 64);
const batch = options.batch ?? (software ? 8 : 64);
if (size % 32 !== 0)
  throw new Error(`--size must be a multiple of 32 (ResNet-18 halves it five times), got ${size}`);

/** ResNet-18's convolutions at `size` px: [input side, in channels, kernel, stride, out channels]. */
const layers = [
  ['stem 7x7/2', size, 3, 7, 2, 64],
  ['layer1 3x3', size / 4, 64, 3, 1, 64],
  ['layer2 3x3/2', size / 4, 64, 3, 2, 128],
  ['layer2 1x1/2', size / 4, 64, 1, 2, 128],
  ['layer3 3x3', size / 16, 256, 3, 1, 256],
  ['layer4 3x3', size / 32, 512, 3, 1, 512],
];

async function time(run) {
  const warm = run();
  await warm.data();
  warm.dispose();
  const started = performance.now();
  let last;
  for (let i = 0; i < options.reps; i++) {
    last?.dispose();
    last = run();
  }
  const values = await last.data();
  last.dispose();
  return { ms: (performance.now() - started) / options.reps, values };
}

const rows = [];
for (const [name, side, channels, kernel, stride, outChannels] of layers) {
  const x = tf.randomNormal([batch, side, side, channels], 0, 1, 'float32', 1);
  const w = tf.randomNormal([kernel, kernel, channels, outChannels], 0, 0.1, 'float32', 2);
  const pad =
    kernel === 7
      ? [
          [0, 0],
          [3, 3],
          [3, 3],
          [0, 0],
        ]
      : 'same';
  const y = tf.conv2d(x, w, stride, pad);
  const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
  const outSide = y.shape[1];
  y.dispose();
  const flops = 2 * kernel * kernel * channels * outChannels * batch * outSide * outSide;
  const attrs = { strides: stride, pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const filterGrad = () =>
    tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape });
  const inputGrad = () =>
    tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape });
  const forward = () => tf.conv2d(x, w, stride, pad);
  const result = { layer: name, shape: `${batch}x${side}x${side}x${channels} -> ${outChannels}` };
  /**
   * Each variant sets every switch: our kernels registered or not, our product's tile size (in float32 for the
   * forward and the input gradient; without one, tfjs-webgpu's there and ours with 64² tiles elsewhere), the naive
   * input gradient, float16.
   */
  const use =
    ({ ours = true, tile = null, naive = true, half = false }) =>
    () => {
      if (ours) registerWebGpuTrainingKernels();
      else unregisterWebGpuTrainingKernels();
      setProductKernelChoice(tile === null ? 'stock' : `ours-${tile}`);
      tf.env().set('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE', naive);
      if (half) {
        const support = backend.setMixedPrecision(true);
        if (!support.enabled) return support.reason;
      } else backend.setMixedPrecision(false);
      return undefined;
    };
  // Forward: tfjs-webgpu's kernel, then ours. Filter gradient: stock, then ours. Input gradient: tfjs-webgpu's naive
  // kernel (its default, which the backend keeps), its matrix-product program, then ours. Ours: 64² and 128² tiles,
  // in float32 and in float16 (16-mixed). Differences are to the first variant.
  const ourWays = [
    ['ours', use({ tile: 64 })],
    ['ours128', use({ tile: 128 })],
    ['f16', use({ tile: 64, half: true })],
    ['f16_128', use({ tile: 128, half: true })],
  ];
  const variants = [
    ['forward', forward, ['stock', use({})], ...ourWays],
    ['filter', filterGrad, ['stock', use({ ours: false })], ...ourWays],
    ['input', inputGrad, ['naive', use({})], ['mm', use({ naive: false })], ...ourWays],
  ];
  for (const [operation, run, ...ways] of variants) {
    let reference;
    for (const [variant, setUp] of ways) {
      const unavailable = setUp();
      if (unavailable !== undefined) {
        result[`${operation}_${variant}`] = unavailable;
        continue;
      }
      const measured = await time(run);
      result[`${operation}_${variant}_ms`] = Number(measured.ms.toFixed(2));
      result[`${operation}_${variant}_gflop_s`] = Number((flops / measured.ms / 1e6).toFixed(1));
      if (reference === undefined) {
        reference = measured.values;
        continue;
      }
      let diff = 0;
      let scale = 0;
      reference.forEach((v, i) => {
        diff = Math.max(diff, Math.abs(v - measured.values[i]));
        scale = Math.max(scale, Math.abs(v));
      });
      result[`${operation}_${variant}_max_rel_diff`] = Number((diff / scale).toExponential(2));
    }
  }
  use({})();
  rows.push(result);
  console.log(JSON.stringify(result));
  tf.dispose([x, w, dy]);
}
console.log(JSON.stringify({ adapter: backend.adapter, size, batch, reps: options.reps }));
process.exit(0);
