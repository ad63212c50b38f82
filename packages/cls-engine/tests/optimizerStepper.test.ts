import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TrainableParameter } from '@nextplay/cls-core';
import { GradScaler, OptimizerStepper, Sgd, type OptimizerStepperSettings } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

const initialWeight = [0.5, -1.5, 2, 0.25];
const initialBias = [0.75, -0.5];
// Two batches of one accumulation group: gradients of the weight and the bias, of the unscaled loss.
const batchGradients = [
  [
    [0.1, -0.2, 0.3, 4],
    [1, -2],
  ],
  [
    [-0.4, 0.5, 0.05, 3],
    [0.5, 0.25],
  ],
];

/** Sgd with momentum over a weight and a bias, stepped by a stepper with `settings`. */
function setup(settings: Partial<OptimizerStepperSettings> = {}): {
  stepper: OptimizerStepper;
  values: () => Promise<number[][]>;
  dispose: () => void;
} {
  const weight = tf.variable(tf.tensor2d(initialWeight, [4, 1]));
  const bias = tf.variable(tf.tensor1d(initialBias));
  const parameters: TrainableParameter[] = [
    { variable: weight, decay: true },
    { variable: bias, decay: false },
  ];
  const optimizer = new Sgd({ lr: 0.1, weight_decay: 0.01, momentum: 0.9, dampening: 0, nesterov: false });
  const stepper = new OptimizerStepper(parameters, optimizer, {
    gradientClipVal: null,
    gradientClipAlgorithm: 'norm',
    ...settings,
  });
  return {
    stepper,
    values: async () => [Array.from(await weight.data()), Array.from(await bias.data())],
    dispose: () => {
      stepper.dispose();
      optimizer.dispose();
      tf.dispose([weight, bias]);
    },
  };
}

/** One batch's gradients, multiplied by `scale` as the gradients of a scaled loss are. */
function gradientsOf(batch: number, scale = 1): tf.Tensor[] {
  const [weight, bias] = batchGradients[batch]!;
  return [
    tf.tensor2d(
      weight!.map((g) => g * scale),
      [4, 1],
    ),
    tf.tensor1d(bias!.map((g) => g * scale)),
  ];
}

describe('OptimizerStepper', () => {
  it('without a grad scaler steps without reading anything from the device', async () => {
    const { stepper, values, dispose } = setup();
    const read = vi.spyOn(tf.engine(), 'read');
    const readSync = vi.spyOn(tf.engine(), 'readSync');
    stepper.add(gradientsOf(0));
    expect(await stepper.step(0.1)).toBe(true);
    expect(read).not.toHaveBeenCalled();
    expect(readSync).not.toHaveBeenCalled();
    expect(await stepper.step(0.1)).toBe(false); // nothing pending
    expect((await values())[0]).not.toEqual(initialWeight);
    dispose();
  });

  it.each([
    { algorithm: 'norm' as const, clip: 1 },
    { algorithm: 'value' as const, clip: 0.35 },
    { algorithm: 'norm' as const, clip: null },
  ])(
    'with a grad scaler, unscales the summed gradients before clipping ($algorithm $clip) and stepping',
    async ({ algorithm, clip }) => {
      const settings = { gradientClipVal: clip, gradientClipAlgorithm: algorithm };
      const plain = setup(settings);
      const scaler = new GradScaler({ initScale: 1024, growthInterval: 2 });
      const scaled = setup({ ...settings, gradScaler: scaler });
      for (let step = 0; step < 2; step++) {
        for (const batch of [0, 1]) {
          plain.stepper.add(gradientsOf(batch));
          scaled.stepper.add(gradientsOf(batch, scaler.scale));
        }
        expect(await plain.stepper.step(0.1)).toBe(true);
        expect(await scaled.stepper.step(0.1)).toBe(true);
      }
      const [expected, actual] = [await plain.values(), await scaled.values()];
      actual.forEach((values, p) => {
        values.forEach((value, i) => {
          expect(value).toBeCloseTo(expected[p]![i]!, 6);
        });
      });
      expect(actual[0]).not.toEqual(initialWeight);
      expect(scaler.scale).toBe(2048);
      expect(scaler.skippedSteps).toBe(0);
      plain.dispose();
      scaled.dispose();
    },
  );

  it('with a grad scaler, skips a step whose gradients hold an inf and halves the scale', async () => {
    const scaler = new GradScaler({ initScale: 1024 });
    const { stepper, values, dispose } = setup({ gradScaler: scaler, gradientClipVal: 1 });
    const tensorsBefore = tf.memory().numTensors;
    stepper.add(gradientsOf(0, scaler.scale));
    stepper.add([tf.tensor2d([1, 2, Infinity, 4], [4, 1]), tf.tensor1d([0, 0])]);
    expect(await stepper.step(0.1)).toBe(false);
    expect(await values()).toEqual([initialWeight, initialBias]);
    expect(scaler.scale).toBe(512);
    expect(scaler.skippedSteps).toBe(1);
    expect(stepper.pendingBatches).toBe(0);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    dispose();
  });
});
