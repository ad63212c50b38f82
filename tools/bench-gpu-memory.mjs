#!/usr/bin/env node
// Whether a ResNet-50 training step (AdamW) at 224 px, batch 64 fits and runs on the WebGPU backend, on whatever
// adapter Dawn finds, and whether memory stays flat: per step its wall time and tf.memory() after it (tensors, MB
// the GPU holds for them, MB tfjs-webgpu's buffer pool has allocated). A leak shows as growth from step to step.
// On a software adapter (lavapipe, a CPU) the default case is 32 px, batch 2.
//
// Usage: node tools/bench-gpu-memory.mjs [--size=N] [--batch=N] [--steps=N]. Build the packages first.
import { createLogger, PluginRegistry } from '@nextplay/cls-core';
import {
  OptimizerStepper,
  adamwPlugin,
  computeGradients,
  linearHead,
  readTrainOutcome,
  selectBackend,
  trainableParameters,
} from '@nextplay/cls-engine';
import { webgpuBackendPlugin } from '@nextplay/cls-backend-webgpu';
import { resnet50Plugin } from '@nextplay/cls-models';
import * as tf from '@tensorflow/tfjs-core';

const NUM_CLASSES = 10;
const options = { size: null, batch: null, steps: 5 };
for (const arg of process.argv.slice(2)) {
  const [key, value = ''] = arg.replace(/^--/, '').split('=');
  const n = Number(value);
  if (!(key in options) || !Number.isInteger(n) || n < 1) throw new Error(`unknown or bad option ${arg}`);
  options[key] = n;
}

const logger = createLogger({ level: 3 });
const registry = new PluginRegistry().register(webgpuBackendPlugin, resnet50Plugin, adamwPlugin);
const backend = await selectBackend('gpu', registry, logger);
const software = backend.adapter?.software === true;
const size = options.size ?? (software ? 32 : 224);
const batch = options.batch ?? (software ? 2 : 64);

const model = await registry.create(
  'model',
  'resnet50',
  { arch: 'resnet50', num_classes: NUM_CLASSES, pretrained: null, seed: 0 },
  { numClasses: NUM_CLASSES, imageSize: [size, size], channels: 3, logger },
);
const optimizer = await registry.create(
  'optimizer',
  'adamw',
  { name: 'adamw', lr: 1e-3, weight_decay: 0.05, betas: [0.9, 0.999], eps: 1e-8 },
  {},
);
const parameters = trainableParameters(model);
const stepper = new OptimizerStepper(parameters, optimizer, {
  gradientClipVal: null,
  gradientClipAlgorithm: 'norm',
});
const shape = [batch, size, size, 3];
const images = Float32Array.from({ length: batch * size * size * 3 }, (_, i) => Math.sin(i) * 1.5);
const labels = Int32Array.from({ length: batch }, (_, i) => i % NUM_CLASSES);
const classes = Array.from({ length: NUM_CLASSES }, (_, c) => String(c));
const megabytes = (bytes) => Number((bytes / 2 ** 20).toFixed(1));
const pool = () => tf.backend().bufferManager;

const steps = [];
for (let step = 1; step <= options.steps; step++) {
  const started = performance.now();
  const computed = computeGradients(
    model,
    parameters.map((p) => p.variable),
    { images, labels, shape },
    { head: linearHead, classes, labelSmoothing: 0, scale: 1 },
  );
  stepper.add(computed.gradients);
  await stepper.step(1e-3);
  const { lossSum, size: samples } = await readTrainOutcome(computed);
  const memory = tf.memory();
  const measured = {
    case: `resnet50-${size}px-b${batch}`,
    step,
    ms: Number((performance.now() - started).toFixed(1)),
    loss: Number((lossSum / samples).toFixed(4)),
    tensors: memory.numTensors,
    gpu_mb: megabytes(memory.numBytesInGPU),
    pool_allocated_mb: megabytes(pool().numBytesAllocated),
  };
  steps.push(measured);
  console.log(JSON.stringify(measured));
}
// From the second step on (the first builds optimizer state), tensors and GPU bytes must not grow.
const settled = steps.slice(1);
const flat = settled.every((s) => s.tensors === settled[0]?.tensors && s.gpu_mb === settled[0]?.gpu_mb);
console.log(
  JSON.stringify({
    case: `resnet50-${size}px-b${batch}`,
    adapter: backend.adapter,
    ran: true,
    memory_flat: flat,
    gpu_mb: settled.map((s) => s.gpu_mb),
  }),
);
process.exit(flat ? 0 : 1);
