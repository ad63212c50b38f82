#!/usr/bin/env node
// Throughput and memory of ResNet-18 (10 classes) training and inference on the engine's wasm backend, one JSON
// line per case; with PyTorch available at /usr/bin/python3 (or $BENCH_PYTHON), the same cases through
// tools/bench_torch.py and a line of ratios per case (tfjs-wasm value ÷ PyTorch value: < 1 means slower
// training/inference, > 1 more memory). `infer_folded_img_s` is inference with each BatchNormalization, ReLU and
// zero padding next to a conv folded into it (foldForInference), as `cls test` and `cls predict` run it.
//
// Usage: npm run bench -- [--sizes=32,64] [--batch=32] [--warmup=3] [--steps=N] [--seconds=6]
//                         [--infer-steps=N] [--no-torch]
// Without --steps (--infer-steps), timed steps run until --seconds have passed. Build the packages first.
// Each case runs in its own child process so that its peak RSS is its own.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger, PluginRegistry } from '@nextplay/cls-core';
import { adamwPlugin, selectBackend } from '@nextplay/cls-engine';
import { wasmBackendPlugin } from '@nextplay/cls-backend-wasm';
import { foldForInference, resnet18Plugin, resnetComplexity } from '@nextplay/cls-models';
import * as tf from '@tensorflow/tfjs-core';
import { NUM_CLASSES, resnetTraining } from './lib/resnetTraining.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));

function parseArgs(argv) {
  const options = {
    sizes: [32, 64],
    batch: 32,
    warmup: 3,
    steps: null,
    inferSteps: null,
    seconds: 6,
    torch: true,
    child: false,
  };
  for (const arg of argv) {
    const [key, value = ''] = arg.replace(/^--/, '').split('=');
    const count = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`--${key} must be a positive integer, got "${value}"`);
      return n;
    };
    if (key === 'sizes') options.sizes = value.split(',').map((s) => Number(s));
    else if (key === 'size') options.sizes = [count()];
    else if (key === 'batch') options.batch = count();
    else if (key === 'warmup') options.warmup = count();
    else if (key === 'steps') options.steps = count();
    else if (key === 'infer-steps') options.inferSteps = count();
    else if (key === 'seconds') options.seconds = Number(value);
    else if (key === 'no-torch') options.torch = false;
    else if (key === 'child') options.child = true;
    else throw new Error(`unknown option ${arg}`);
  }
  if (options.sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new Error('--sizes: positive integers');
  return options;
}

/**
 * Runs `step` `warmup` times untimed, then `steps` times (or until `seconds` have passed, at least twice) timed;
 * returns steps per second.
 */
async function stepsPerSecond(step, { warmup, steps, seconds }) {
  for (let i = 0; i < warmup; i++) await step();
  let done = 0;
  const started = performance.now();
  let elapsed = 0;
  while (steps === null ? elapsed < seconds * 1000 || done < 2 : done < steps) {
    await step();
    done += 1;
    elapsed = performance.now() - started;
  }
  return done / (elapsed / 1000);
}

/** One case, in this process: prints its JSON line. */
async function runCase(imageSize, options) {
  const logger = createLogger({ level: 1 });
  const registry = new PluginRegistry().register(wasmBackendPlugin, resnet18Plugin, adamwPlugin);
  // Activates the wasm backend and registers the engine's wasm training kernels, as `fit` does.
  const backend = await selectBackend('cpu', registry, logger);
  const { batch } = options;
  // The engine's training step, as in fit: forward in training mode, cross-entropy, backward (computeGradients),
  // AdamW step (OptimizerStepper), loss and correct count read back.
  const { model, optimizer, pixels, shape, trainStep } = await resnetTraining(registry, {
    arch: 'resnet18',
    size: imageSize,
    batch,
    logger,
  });
  const inferStep = (inferenceModel) => () => {
    tf.tidy(() => {
      const images = tf.tensor4d(pixels, shape);
      inferenceModel.apply(images, { training: false }).dataSync();
    });
  };

  const train = (await stepsPerSecond(trainStep(), { ...options, steps: options.steps })) * batch;
  const infer = (await stepsPerSecond(inferStep(model), { ...options, steps: options.inferSteps })) * batch;
  // As cls test / cls predict evaluate: each BatchNormalization, ReLU and zero padding next to a conv folded into it.
  const folded = await foldForInference(model);
  const inferFolded =
    (await stepsPerSecond(inferStep(folded), { ...options, steps: options.inferSteps })) * batch;
  folded.dispose();
  const { flops } = resnetComplexity('resnet18', imageSize, NUM_CLASSES);
  optimizer.dispose();
  model.dispose();
  console.log(
    JSON.stringify({
      case: caseName(imageSize, batch),
      framework: 'tfjs-wasm',
      train_img_s: round(train),
      infer_img_s: round(infer),
      infer_folded_img_s: round(inferFolded),
      // Achieved GFLOP/s of training: backward ≈ 2 × forward, so 3 × forward FLOPs per image × img/s. The forward
      // count is resnetComplexity's, i.e. multiply-accumulates (torchvision's GFLOPS convention).
      train_gflops: round((3 * flops * train) / 1e9),
      peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
      threads: backend.threads,
    }),
  );
}

const caseName = (imageSize, batch) => `resnet18-${imageSize}px-b${batch}`;
const round = (x) => Math.round(x * 100) / 100;

function caseArgs(imageSize, options) {
  return [
    `--size=${imageSize}`,
    `--batch=${options.batch}`,
    `--warmup=${options.warmup}`,
    `--seconds=${options.seconds}`,
    ...(options.steps === null ? [] : [`--steps=${options.steps}`]),
    ...(options.inferSteps === null ? [] : [`--infer-steps=${options.inferSteps}`]),
  ];
}

/** Runs one case in a child process and returns its parsed JSON line (also printed). */
function runChild(command, args) {
  const result = spawnSync(command, args, {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  console.log(line);
  return JSON.parse(line);
}

function torchPython() {
  const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torch, torchvision'], { stdio: 'ignore' });
  return probe.status === 0 ? python : null;
}

const options = parseArgs(process.argv.slice(2));
if (options.child) {
  for (const size of options.sizes) await runCase(size, options);
} else {
  const rows = options.sizes.map((size) => ({
    size,
    tfjs: runChild(process.execPath, [fileURLToPath(import.meta.url), '--child', ...caseArgs(size, options)]),
  }));
  const python = options.torch ? torchPython() : null;
  if (options.torch && python === null) {
    console.error(
      'bench: PyTorch/torchvision not importable by /usr/bin/python3; skipping the PyTorch comparison',
    );
  }
  if (python !== null) {
    for (const row of rows)
      row.torch = runChild(python, ['tools/bench_torch.py', ...caseArgs(row.size, options)]);
    for (const { tfjs, torch } of rows) {
      console.log(
        JSON.stringify({
          case: tfjs.case,
          train_ratio_vs_pytorch: round(tfjs.train_img_s / torch.train_img_s),
          infer_ratio_vs_pytorch: round(tfjs.infer_img_s / torch.infer_img_s),
          rss_ratio_vs_pytorch: round(tfjs.peak_rss_mb / torch.peak_rss_mb),
        }),
      );
    }
  }
}
