// What the WebGPU benchmarks share: their `--name=N` options, and a ResNet (10 classes) trained with AdamW on one
// fixed synthetic batch, a step at a time, as the trainer steps.
import { readFileSync } from 'node:fs';
import {
  OptimizerStepper,
  computeGradients,
  linearHead,
  readTrainOutcome,
  trainableParameters,
} from '@nextplay/cls-engine';

/** `defaults` overridden by `--name=N` arguments (positive integers); an unknown name or a bad value throws. */
export function integerOptions(defaults, argv = process.argv.slice(2)) {
  const options = { ...defaults };
  for (const arg of argv) {
    const [key, value = ''] = arg.replace(/^--/, '').split('=');
    const n = Number(value);
    if (!(key in options) || !Number.isInteger(n) || n < 1) throw new Error(`unknown or bad option ${arg}`);
    options[key] = n;
  }
  return options;
}

export const NUM_CLASSES = 10;

/**
 * CPU milliseconds this (main) thread has used, from /proc (Linux, 10 ms ticks); NaN elsewhere. Unlike wall time,
 * it leaves out the time a software adapter's threads take the cores from it.
 */
export function mainThreadCpuMs() {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * `arch` (a registered model plugin) for `size`² RGB images and AdamW (lr 1e-3, weight decay 0.05), with a batch of
 * `batch` fixed pixel values and labels. `trainStep(gradScaler?)` makes a step function: one training step with
 * dynamic loss scaling when a grad scaler is given (16-mixed), as the trainer does; it resolves to the wall and
 * main-thread CPU milliseconds spent recording the step on the host (before waiting for the GPU) and its loss.
 */
export async function resnetTraining(registry, { arch, size, batch, logger }) {
  const model = await registry.create(
    'model',
    arch,
    { arch, num_classes: NUM_CLASSES, pretrained: null, seed: 0 },
    { numClasses: NUM_CLASSES, imageSize: [size, size], channels: 3, logger },
  );
  const optimizer = await registry.create(
    'optimizer',
    'adamw',
    { name: 'adamw', lr: 1e-3, weight_decay: 0.05, betas: [0.9, 0.999], eps: 1e-8 },
    {},
  );
  const parameters = trainableParameters(model);
  const variables = parameters.map((p) => p.variable);
  const shape = [batch, size, size, 3];
  const pixels = Float32Array.from({ length: batch * size * size * 3 }, (_, i) => Math.sin(i) * 1.5);
  const labels = Int32Array.from({ length: batch }, (_, i) => i % NUM_CLASSES);
  const classes = Array.from({ length: NUM_CLASSES }, (_, c) => String(c));
  const trainStep = (gradScaler) => {
    const stepper = new OptimizerStepper(parameters, optimizer, {
      gradientClipVal: null,
      gradientClipAlgorithm: 'norm',
      gradScaler,
    });
    return async () => {
      const cpuBefore = mainThreadCpuMs();
      const started = performance.now();
      const computed = computeGradients(
        model,
        variables,
        { images: pixels, labels, shape },
        {
          head: linearHead,
          classes,
          labelSmoothing: 0,
          scale: gradScaler?.scale ?? 1,
        },
      );
      stepper.add(computed.gradients);
      const stepped = stepper.step(1e-3);
      const wallMs = performance.now() - started;
      const cpuMs = mainThreadCpuMs() - cpuBefore;
      await stepped;
      const { lossSum, size: samples } = await readTrainOutcome(computed);
      return { wallMs, cpuMs, loss: lossSum / samples };
    };
  };
  return { model, optimizer, pixels, shape, trainStep };
}
