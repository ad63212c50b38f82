#!/usr/bin/env node
// Convolution gradients on the WebGPU backend, on ResNet-18's shapes, two ways each in the same run: the filter
// gradient by stock tfjs-webgpu and by ours (tiled, split-K), the input gradient by tfjs-webgpu's naive kernel and by
// its matrix-product program; ms per call, GFLOP/s (2·M·N·K per gradient), and the largest absolute and relative
// (to the largest value) difference between the two. On a software adapter
// (lavapipe, a CPU) the default is 32 px batch 8; on a GPU 64 px batch 64.
//
// Usage: node tools/bench-webgpu-kernels.mjs [--size=N] [--batch=N] [--reps=N]. Build the packages first.
import { createLogger, PluginRegistry } from '@nextplay/cls-core';
import { selectBackend } from '@nextplay/cls-engine';
import {
  registerWebGpuTrainingKernels,
  unregisterWebGpuTrainingKernels,
  webgpuBackendPlugin,
} from '@nextplay/cls-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';

const options = { size: null, batch: null, reps: 5 };
for (const arg of process.argv.slice(2)) {
  const [key, value = ''] = arg.replace(/^--/, '').split('=');
  const n = Number(value);
  if (!(key in options) || !Number.isInteger(n) || n < 1) throw new Error(`unknown or bad option ${arg}`);
  options[key] = n;
}
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
  const result = { layer: name, shape: `${batch}x${side}x${side}x${channels} -> ${outChannels}` };
  // Filter gradient: stock kernel, then ours. Input gradient: tfjs-webgpu's naive kernel (its default, which the
  // backend keeps), then its matrix-product program, to show on a GPU whether switching would pay.
  const variants = [
    [
      'filter',
      filterGrad,
      ['stock', unregisterWebGpuTrainingKernels],
      ['ours', registerWebGpuTrainingKernels],
    ],
    [
      'input',
      inputGrad,
      ['naive', () => tf.env().set('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE', true)],
      ['mm', () => tf.env().set('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE', false)],
    ],
  ];
  for (const [gradient, run, [firstName, useFirst], [secondName, useSecond]] of variants) {
    useFirst();
    const first = await time(run);
    useSecond();
    const second = await time(run);
    let diff = 0;
    let scale = 0;
    first.values.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(v - second.values[i]));
      scale = Math.max(scale, Math.abs(v));
    });
    for (const [variant, measured] of [
      [firstName, first],
      [secondName, second],
    ]) {
      result[`${gradient}_${variant}_ms`] = Number(measured.ms.toFixed(2));
      result[`${gradient}_${variant}_gflop_s`] = Number((flops / measured.ms / 1e6).toFixed(1));
    }
    result[`${gradient}_max_abs_diff`] = Number(diff.toExponential(2));
    result[`${gradient}_max_rel_diff`] = Number((diff / scale).toExponential(2));
  }
  tf.env().set('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE', true);
  rows.push(result);
  console.log(JSON.stringify(result));
  tf.dispose([x, w, dy]);
}
console.log(JSON.stringify({ adapter: backend.adapter, size, batch, reps: options.reps }));
process.exit(0);
