// Benchmarks the wasm convolution gradient kernels of @nextplay/cls-engine against the stock wasm kernels, and the
// throughput of a ResNet18 training step (32×32 images, batch 32) on the wasm backend.
// Run after building the engine:  npx nx run @nextplay/cls-engine:build && node tools/bench-wasm-kernels.mjs
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '@nextplay/cls-backend-wasm';
import { RESNET_ARCHITECTURES, buildResNet } from '@nextplay/cls-models';

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

/** A ResNet-18 at 32 px with one fixed batch, for timing and profiling training steps. */
function trainingSetup() {
  // The model cls trains: @nextplay/cls-models' ResNet-18 (torch padding, fused batch-norm training step).
  const model = buildResNet({ ...RESNET_ARCHITECTURES.resnet18, numClasses: 10, imageSize: 32, seed: 0 });
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
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  tf.dispose([x, labels]);
  model.dispose();
  // On a busy machine the CPU-time rate is the steadier one (single-threaded it is the wall rate of an idle
  // machine; with threads it counts every thread's time).
  return { wall: (steps * batch) / seconds, cpu: (steps * batch * 1e6) / (cpu.user + cpu.system) };
}

/** Kernel names tf.profile reports that are op scopes (e.g. customGrad ops): their time includes nested kernels. */
const isOpScope = (name) => name.endsWith('__op') || tf.getKernel(name, 'wasm') === undefined;

function profileStep(top, byShape) {
  const { model, variables, x, labels } = trainingSetup();
  const run = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true })),
        variables,
      );
      return tf.addN([value, ...Object.values(grads).map((g) => tf.sum(g))]);
    });
  for (let i = 0; i < 3; i++) tf.tidy(() => run().dataSync());
  return tf
    .profile(() => tf.tidy(() => run().dataSync()))
    .then((info) => {
      const byKernel = new Map();
      let kernelMs = 0;
      for (const k of info.kernels) {
        const key = byShape ? `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(' ')}` : k.name;
        const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
        entry.ms += k.kernelTimeMs;
        entry.calls += 1;
        byKernel.set(key, entry);
        if (!isOpScope(k.name)) kernelMs += k.kernelTimeMs;
      }
      tf.dispose([x, labels]);
      model.dispose();
      const lines = [...byKernel.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, top)
        .map(
          ([name, { ms, calls }]) =>
            `  ${name.padEnd(byShape ? 60 : 28)} ${ms.toFixed(1).padStart(7)} ms ${String(calls).padStart(5)} calls` +
            (isOpScope(name.split(' ')[0]) ? '  (op scope: includes the kernels it runs)' : ''),
        );
      return [`kernels of one step (excluding op scopes): ${kernelMs.toFixed(1)} ms`, ...lines].join('\n');
    });
}

const args = new Set(process.argv.slice(2));
if (args.has('--help')) {
  console.log(`usage: node tools/bench-wasm-kernels.mjs [--profile] [--no-kernels] [--steps N]
  (default)     per-convolution timings of the stock and our gradient kernels, then ResNet18 train img/s
  --profile     also profile one ResNet18 training step and list kernels by total time (or BENCH_PROFILE=1)
  --by-shape    with --profile: one row per kernel and input shapes
  --no-kernels  skip the per-convolution timings
  --steps N     timed training steps (default 4)
environment: BENCH_BATCH (default 32)`);
  process.exit(0);
}
const stepsArg = process.argv.indexOf('--steps');
const steps = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 4;

await tf.setBackend('wasm');
const format = (v) => (Number.isNaN(v) ? '   -  ' : v.toFixed(2).padStart(6));
if (args.has('--no-kernels')) {
  registerWasmTrainingKernels();
} else {
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
}
const rate = trainImagesPerSecond(steps);
console.log(
  `ResNet18 train step, 32 px, batch ${batch}: ${rate.wall.toFixed(1)} img/s, ${rate.cpu.toFixed(1)} img/s of CPU time (our kernels)`,
);
if (args.has('--profile') || process.env.BENCH_PROFILE)
  console.log(await profileStep(args.has('--by-shape') ? 40 : 25, args.has('--by-shape')));
