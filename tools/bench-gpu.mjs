#!/usr/bin/env node
// ResNet-18 (10 classes) training (AdamW) and inference img/s on the WebGPU backend, on whatever adapter Dawn finds,
// first with stock tfjs-webgpu kernels, then with ours (registerWebGpuTrainingKernels), then with ours while Dawn
// polls its events on every event-loop turn (as dawn.node does unless paced: dawnEventPolling.ts), then ours under
// trainer.benchmark (each convolution's and matrix product's kernel picked per shape by GPU time, as PyTorch's side
// runs with cudnn.benchmark; the choices are printed), then with ours in float16 (16-mixed, with loss scaling) where
// the adapter has shader-f16, on the same model, side by side: training img/s, tfjs kernels and their GPU
// milliseconds per step (tf.profile) and the kernels that take most of them, GPU dispatches per step (every
// dispatchWorkgroups call), and host time per step and per dispatch (the wall and main-thread CPU time to record a
// step before waiting for the GPU, averaged over the timed steps). Inference is timed on the model as trained
// (`infer_img_s`) and folded (`infer_folded_img_s`: each BatchNormalization, ReLU and zero padding next to a conv
// folded into it, as `cls test` and `cls predict` run it), with GPU dispatches per batch. Then PyTorch's figures for
// the same recipe on CUDA (tools/bench_gpu_torch.py, eval() without folding; under autocast and GradScaler for
// 16-mixed), with the ratios to ours, when /usr/bin/python3 (or $BENCH_PYTHON) has torch with CUDA. Cases: 64 px
// b64, plus 224 px b32 on a hardware GPU; on a software adapter (lavapipe) one small case (--size/--batch
// override), since it computes on the CPU.
//
// Usage: npm run bench:gpu -- [--size=N --batch=N] [--steps=N] [--warmup=N]. Build the packages first.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger, PluginRegistry } from '@nextplay/cls-core';
import { GradScaler, adamwPlugin, selectBackend } from '@nextplay/cls-engine';
import {
  productKernelDecisions,
  registerWebGpuTrainingKernels,
  setDawnEventPolling,
  setProductKernelChoice,
  unregisterWebGpuTrainingKernels,
  webgpuBackendPlugin,
} from '@nextplay/cls-backend-webgpu';
import { foldForInference, resnet18Plugin } from '@nextplay/cls-models';
import * as tf from '@tensorflow/tfjs-core';
import { integerOptions, resnetTraining } from './lib/resnetTraining.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));

const options = integerOptions({ size: null, batch: null, steps: 5, warmup: 2 });

const logger = createLogger({ level: 3 });
const registry = new PluginRegistry().register(webgpuBackendPlugin, resnet18Plugin, adamwPlugin);
const backend = await selectBackend('gpu', registry, logger);
const adapter = backend.adapter;
// Every compute dispatch, tfjs's and ours, is counted here.
let dispatches = 0;
const dispatchWorkgroups = GPUComputePassEncoder.prototype.dispatchWorkgroups;
GPUComputePassEncoder.prototype.dispatchWorkgroups = function countedDispatch(...args) {
  dispatches += 1;
  return dispatchWorkgroups.apply(this, args);
};
const software = adapter?.software === true;
const cases =
  options.size !== null || options.batch !== null
    ? [{ size: options.size ?? 64, batch: options.batch ?? 64 }]
    : software
      ? [{ size: 32, batch: 8 }]
      : [
          { size: 64, batch: 64 },
          { size: 224, batch: 32 },
        ];
const steps = software && options.size === null ? Math.min(options.steps, 2) : options.steps;
const warmup = software && options.size === null ? 1 : options.warmup;

/** Images per second over `steps` steps after the warm-up, and what each timed step returned. */
async function rate(step, batch, warmupSteps = warmup) {
  for (let i = 0; i < warmupSteps; i++) await step();
  const returned = [];
  const started = performance.now();
  for (let i = 0; i < steps; i++) returned.push(await step());
  return { imgPerS: (steps * batch) / ((performance.now() - started) / 1000), returned };
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

function torchFigures(size, batch, precision) {
  const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
  const run = spawnSync(
    python,
    [
      `${repo}tools/bench_gpu_torch.py`,
      `--size=${size}`,
      `--batch=${batch}`,
      `--steps=${steps * 4}`,
      `--precision=${precision}`,
    ],
    { encoding: 'utf8' },
  );
  if (run.status === 3) return { skipped: `${python} has torch without CUDA` };
  if (run.status !== 0)
    return { skipped: `${python} could not run torch: ${(run.stderr || '').trim().split('\n').at(-1)}` };
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}

for (const { size, batch } of cases) {
  const {
    model,
    optimizer,
    pixels,
    shape,
    trainStep: trainingStep,
  } = await resnetTraining(registry, {
    arch: 'resnet18',
    size,
    batch,
    logger,
  });
  /** A training step (see resnetTraining) that also counts its GPU dispatches. */
  const trainStepWith = (gradScaler) => {
    const step = trainingStep(gradScaler);
    return async () => {
      const dispatchesBefore = dispatches;
      const recorded = await step();
      return { ...recorded, dispatches: dispatches - dispatchesBefore };
    };
  };
  const folded = await foldForInference(model);
  /** An inference step on `inferenceModel`; it resolves to its GPU dispatches. */
  const inferStep = (inferenceModel) => async () => {
    const dispatchesBefore = dispatches;
    const out = tf.tidy(() => inferenceModel.apply(tf.tensor4d(pixels, shape), { training: false }));
    await out.data();
    out.dispose();
    return dispatches - dispatchesBefore;
  };

  // Stock tfjs-webgpu kernels first, then ours, ours with Dawn polling every turn, ours under trainer.benchmark, and
  // ours in float16 (16-mixed) where the adapter has shader-f16, on the same model and optimizer state.
  const variants = {};
  for (const variant of ['stock', 'ours', 'ours-polling-every-turn', 'ours-benchmark', 'ours-16-mixed']) {
    if (variant === 'stock') unregisterWebGpuTrainingKernels();
    else registerWebGpuTrainingKernels();
    setDawnEventPolling(variant === 'ours-polling-every-turn' ? 'every-turn' : 'paced');
    const measuring = variant === 'ours-benchmark';
    backend.setKernelBenchmark(measuring);
    const half = variant === 'ours-16-mixed';
    const precision = backend.setMixedPrecision(half);
    if (half && !precision.enabled) {
      console.log(
        JSON.stringify({ case: `resnet18-${size}px-b${batch}`, kernels: variant, skipped: precision.reason }),
      );
      continue;
    }
    const trainStep = trainStepWith(half ? new GradScaler() : undefined);
    // trainer.benchmark times each shape in its first three calls; the warm-up covers them.
    const inferWarmup = measuring ? Math.max(warmup, 4) : warmup;
    const infer = await rate(inferStep(model), batch, inferWarmup);
    const inferFolded = await rate(inferStep(folded), batch, inferWarmup);
    const { imgPerS: train, returned: recorded } = await rate(
      trainStep,
      batch,
      measuring ? Math.max(warmup, 4) : warmup,
    );
    const stepDispatches = Math.round(mean(recorded.map((r) => r.dispatches)));
    const recordMs = mean(recorded.map((r) => r.wallMs));
    const recordCpuMs = mean(recorded.map((r) => r.cpuMs));
    // One more step under tf.profile, which times every kernel on the GPU (a pass and a readback each, so it is
    // not one of the timed steps): tfjs kernels per step, GPU milliseconds per step.
    const memoryBefore = tf.memory();
    const profile = await tf.profile(trainStep);
    const memoryAfter = tf.memory();
    const gpuMs = profile.kernels.reduce((sum, kernel) => sum + (Number(kernel.kernelTimeMs) || 0), 0);
    // Where that GPU time goes: the kernels taking the most of it, summed over their calls in the step.
    const byKernel = {};
    for (const kernel of profile.kernels) {
      byKernel[kernel.name] = (byKernel[kernel.name] ?? 0) + (Number(kernel.kernelTimeMs) || 0);
    }
    const topKernels = Object.entries(byKernel)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([name, ms]) => [name, Number(ms.toFixed(2))]);
    variants[variant] = {
      case: `resnet18-${size}px-b${batch}`,
      framework: 'tfjs-webgpu',
      kernels: variant,
      precision: half ? '16-mixed' : '32-true',
      adapter,
      train_img_s: Number(train.toFixed(2)),
      infer_img_s: Number(infer.imgPerS.toFixed(2)),
      infer_folded_img_s: Number(inferFolded.imgPerS.toFixed(2)),
      infer_dispatches: `${Math.round(mean(infer.returned))} -> ${Math.round(mean(inferFolded.returned))} folded`,
      tfjs_kernels_per_step: profile.kernels.length,
      dispatches_per_step: stepDispatches,
      host_us_per_dispatch: Number(((recordMs * 1000) / Math.max(stepDispatches, 1)).toFixed(1)),
      host_ms_per_step: Number(recordMs.toFixed(1)),
      host_cpu_ms_per_step: Number.isNaN(recordCpuMs) ? null : Number(recordCpuMs.toFixed(1)),
      gpu_kernel_ms_per_step: Number(gpuMs.toFixed(1)),
      gpu_ms_by_kernel: Object.fromEntries(topKernels),
      // Across one more step: a leak shows as growth.
      tensors: `${memoryBefore.numTensors} -> ${memoryAfter.numTensors}`,
      gpu_mb: `${(memoryBefore.numBytesInGPU / 2 ** 20).toFixed(1)} -> ${(memoryAfter.numBytesInGPU / 2 ** 20).toFixed(1)}`,
      steps,
    };
    if (measuring) {
      // Which kernel (tfjs-webgpu's, or ours with which tile size) each convolution and matrix product shape kept,
      // counted per kernel.
      const kept = {};
      for (const { kernel, precision, chosen } of productKernelDecisions()) {
        if (precision !== 'float32') continue;
        kept[kernel] ??= {};
        kept[kernel][chosen] = (kept[kernel][chosen] ?? 0) + 1;
      }
      variants[variant].benchmark_kept = kept;
    }
    console.log(JSON.stringify(variants[variant]));
  }
  backend.setMixedPrecision(false);
  backend.setKernelBenchmark(false);
  const { stock, ours } = variants;
  const everyTurn = variants['ours-polling-every-turn'];
  console.log(
    JSON.stringify({
      case: ours.case,
      ours_vs_stock_train: Number((ours.train_img_s / stock.train_img_s).toFixed(3)),
      paced_vs_every_turn_polling_train: Number((ours.train_img_s / everyTurn.train_img_s).toFixed(3)),
      host_ms_per_step_paced_vs_every_turn_polling: `${ours.host_ms_per_step} vs ${everyTurn.host_ms_per_step}`,
      dispatches_per_step: `${stock.dispatches_per_step} -> ${ours.dispatches_per_step}`,
      host_ms_per_step: `${stock.host_ms_per_step} -> ${ours.host_ms_per_step}`,
      host_cpu_ms_per_step: `${stock.host_cpu_ms_per_step} -> ${ours.host_cpu_ms_per_step}`,
    }),
  );
  for (const [precision, measured] of [
    ['32-true', [ours, variants['ours-benchmark']]],
    ['16-mixed', [variants['ours-16-mixed']]],
  ]) {
    if (measured[0] === undefined) continue;
    const torch = torchFigures(size, batch, precision);
    console.log(JSON.stringify({ case: ours.case, ...torch }));
    if (torch.train_img_s === undefined) continue;
    for (const ourVariant of measured) {
      console.log(
        JSON.stringify({
          case: ours.case,
          precision,
          kernels: ourVariant.kernels,
          ratio_train: Number((ourVariant.train_img_s / torch.train_img_s).toFixed(4)),
          ratio_infer: Number((ourVariant.infer_img_s / torch.infer_img_s).toFixed(4)),
          ratio_infer_folded: Number((ourVariant.infer_folded_img_s / torch.infer_img_s).toFixed(4)),
        }),
      );
    }
  }
  optimizer.dispose?.();
  folded.dispose();
  model.dispose();
}
process.exit(0);
