#!/usr/bin/env node
// Whether a ResNet-50 training step (AdamW) at 224 px, batch 64 fits and runs on the WebGPU backend, on whatever
// adapter Dawn finds, and whether memory stays flat: per step its wall time and tf.memory() after it (tensors, MB
// the GPU holds for them, MB tfjs-webgpu's buffer pool has allocated). A leak shows as growth from step to step.
// On a software adapter (lavapipe, a CPU) the default case is 32 px, batch 2.
//
// Usage: node tools/bench-gpu-memory.mjs [--size=N] [--batch=N] [--steps=N]. Build the packages first.
import { createLogger, PluginRegistry } from '@nextplay/cls-core';
import { adamwPlugin, selectBackend } from '@nextplay/cls-engine';
import { webgpuBackendPlugin } from '@nextplay/cls-backend-webgpu';
import { resnet50Plugin } from '@nextplay/cls-models';
import * as tf from '@tensorflow/tfjs-core';
import { integerOptions, resnetTraining } from './lib/resnetTraining.mjs';

const options = integerOptions({ size: null, batch: null, steps: 5 });

const logger = createLogger({ level: 3 });
const registry = new PluginRegistry().register(webgpuBackendPlugin, resnet50Plugin, adamwPlugin);
const backend = await selectBackend('gpu', registry, logger);
const software = backend.adapter?.software === true;
const size = options.size ?? (software ? 32 : 224);
const batch = options.batch ?? (software ? 2 : 64);

const { trainStep } = await resnetTraining(registry, { arch: 'resnet50', size, batch, logger });
const trainOnce = trainStep();
const megabytes = (bytes) => Number((bytes / 2 ** 20).toFixed(1));
const pool = () => tf.backend().bufferManager;

const steps = [];
for (let step = 1; step <= options.steps; step++) {
  const started = performance.now();
  const { loss } = await trainOnce();
  const memory = tf.memory();
  const measured = {
    case: `resnet50-${size}px-b${batch}`,
    step,
    ms: Number((performance.now() - started).toFixed(1)),
    loss: Number(loss.toFixed(4)),
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
