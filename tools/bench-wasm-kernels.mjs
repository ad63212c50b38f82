// Benchmarks the wasm convolution gradient kernels of @nextplay/cls-engine against the stock wasm kernels, and the
// throughput of a ResNet18 training step (32×32 images, batch 32) on the wasm backend.
// Run after building the engine:  npx nx run @nextplay/cls-engine:build && node tools/bench-wasm-kernels.mjs
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '@nextplay/cls-engine';

const batch = Number(process.env.BENCH_BATCH ?? 32);

/** [name, input NHWC, kernel, out channels, stride, pad] — the convolutions of ResNet18 at 32 px. */
const convs = [
  ['stem 7x7 s2', [batch, 38, 38, 3], 7, 64, 2, 'valid'],
  ['layer1 3x3 s1', [batch, 8, 8, 64], 3, 64, 1, 'same'],
  ['layer2 3x3 s2', [batch, 10, 10, 64], 3, 128, 2, 'valid'],
  ['layer2 1x1 s2', [batch, 8, 8, 64], 1, 128, 2, 'valid'],
  ['layer2 3x3 s1', [batch, 4, 4, 128], 3, 128, 1, 'same'],
  ['layer3 3x3 s1', [batch, 2, 2, 256], 3, 256, 1, 'same'],
  ['layer4 3x3 s1', [batch, 1, 1, 512], 3, 512, 1, 'same'],
];

function msPerRun(fn, runs = 10) {
  // The wasm backend runs kernels synchronously, so no read-back is needed (copying a large output out of the
  // heap would dominate the timing). Warm-up: V8 compiles wasm functions with its baseline compiler first and
  // optimizes them only once hot.
  for (let i = 0; i < 10; i++)
    tf.tidy(() => {
      fn();
    });
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    tf.tidy(() => {
      fn();
    });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function kernelTimings() {
  const rows = {};
  for (const [name, inShape, k, outC, stride, pad] of convs) {
    const filterShape = [k, k, inShape[3], outC];
    const x = tf.randomNormal(inShape);
    const w = tf.randomNormal(filterShape);
    const y = tf.conv2d(x, w, stride, pad);
    const dy = tf.randomNormal(y.shape);
    const attrs = { strides: stride, pad, dataFormat: 'NHWC' };
    rows[name] = {
      forward: msPerRun(() => tf.conv2d(x, w, stride, pad)),
      // tfjs computes dx even for the input image (the fused conv gradient returns every input's gradient).
      backpropInput: msPerRun(() =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: inShape }),
      ),
      backpropFilter: tf.getKernel('Conv2DBackpropFilter', 'wasm')
        ? msPerRun(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape }))
        : NaN,
    };
    tf.dispose([x, w, y, dy]);
  }
  return rows;
}

function resnet18(imageSize, numClasses) {
  const input = tfl.input({ shape: [imageSize, imageSize, 3] });
  const convBn = (x, filters, kernel, stride) => {
    const padded = kernel > 1 ? tfl.layers.zeroPadding2d({ padding: Math.floor(kernel / 2) }).apply(x) : x;
    const conv = tfl.layers
      .conv2d({ filters, kernelSize: kernel, strides: stride, padding: 'valid', useBias: false })
      .apply(padded);
    return tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(conv);
  };
  let x = tfl.layers.activation({ activation: 'relu' }).apply(convBn(input, 64, 7, 2));
  x = tfl.layers.zeroPadding2d({ padding: 1 }).apply(x);
  x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2 }).apply(x);
  let channels = 64;
  for (const [filters, stride] of [
    [64, 1],
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
  ]) {
    let out = tfl.layers.activation({ activation: 'relu' }).apply(convBn(x, filters, 3, stride));
    out = convBn(out, filters, 3, 1);
    const shortcut = stride !== 1 || channels !== filters ? convBn(x, filters, 1, stride) : x;
    x = tfl.layers.activation({ activation: 'relu' }).apply(tfl.layers.add().apply([out, shortcut]));
    channels = filters;
  }
  x = tfl.layers.globalAveragePooling2d({}).apply(x);
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: numClasses }).apply(x) });
}

/** A ResNet-18 at 32 px with one fixed batch, for timing and profiling training steps. */
function trainingSetup() {
  const model = resnet18(32, 10);
  const variables = model.trainableWeights.map((w) => w.read());
  const x = tf.randomNormal([batch, 32, 32, 3]);
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 10),
      'int32',
    ),
    10,
  );
  return { model, variables, x, labels };
}

function trainImagesPerSecond(steps = 4) {
  const { model, variables, x, labels } = trainingSetup();
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true })),
        variables,
      );
      for (const v of variables) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.01)));
      return value.dataSync()[0];
    });
  for (let i = 0; i < 3; i++) step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([x, labels]);
  model.dispose();
  return (steps * batch) / seconds;
}

function profileStep() {
  const { model, variables, x, labels } = trainingSetup();
  const run = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true })),
        variables,
      );
      return tf.addN([value, ...Object.values(grads).map((g) => tf.sum(g))]);
    });
  tf.tidy(() => run().dataSync());
  return tf
    .profile(() => tf.tidy(() => run().dataSync()))
    .then((info) => {
      const byKernel = {};
      for (const k of info.kernels) byKernel[k.name] = (byKernel[k.name] ?? 0) + k.kernelTimeMs;
      tf.dispose([x, labels]);
      model.dispose();
      return Object.entries(byKernel)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`)
        .join(', ');
    });
}

await tf.setBackend('wasm');
const format = (v) => (Number.isNaN(v) ? '   -  ' : v.toFixed(2).padStart(6));
const stock = kernelTimings();
registerWasmTrainingKernels();
const ours = kernelTimings();
console.log(`wasm conv kernels, batch ${batch}, ms per call (median of 10)`);
console.log('conv              forward | backpropInput stock  ours | backpropFilter ours');
for (const name of Object.keys(ours)) {
  const s = stock[name];
  const o = ours[name];
  console.log(
    `${name.padEnd(16)} ${format(o.forward)}  |   ${format(s.backpropInput)}   ${format(o.backpropInput)} |   ${format(o.backpropFilter)}`,
  );
}
console.log(
  `ResNet18 train step, 32 px, batch ${batch}: ${trainImagesPerSecond().toFixed(1)} img/s (our kernels)`,
);
if (process.env.BENCH_PROFILE) console.log(`slowest kernels in one step: ${await profileStep()}`);
