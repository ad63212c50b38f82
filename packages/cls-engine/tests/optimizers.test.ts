import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom, type Optimizer, type TrainableParameter } from '@nextplay/cls-core';
import { registerWasmTrainingKernels } from '@nextplay/cls-backend-wasm';
import { Adam, Sgd } from '../src/index.js';

const initialWeight = [0.5, -1.5, 2];
const initialBias = [0.25, -0.75];
// Gradients of steps 1..3 for the weight and the bias.
const weightGrads = [
  [0.1, -0.2, 0.3],
  [-0.4, 0.5, 0.05],
  [0.2, 0.2, -0.6],
];
const biasGrads = [
  [1, -2],
  [0.5, 0.25],
  [-1, 3],
];
const lrs = [0.1, 0.05, 0.02];

/** Runs three steps and returns the final weight and bias values. */
async function runSteps(optimizer: Optimizer): Promise<[number[], number[]]> {
  const weight = tf.variable(tf.tensor2d(initialWeight, [3, 1]));
  const bias = tf.variable(tf.tensor1d(initialBias));
  const parameters: TrainableParameter[] = [
    { variable: weight, decay: true },
    { variable: bias, decay: false },
  ];
  let afterFirstStep = 0;
  for (let step = 0; step < 3; step++) {
    const gradients = [tf.tensor2d(weightGrads[step]!, [3, 1]), tf.tensor1d(biasGrads[step]!)];
    optimizer.step(parameters, gradients, lrs[step]!);
    tf.dispose(gradients);
    // State is created on the first step; later steps allocate nothing that outlives them.
    if (step === 0) afterFirstStep = tf.memory().numTensors;
    else expect(tf.memory().numTensors).toBe(afterFirstStep);
  }
  const result: [number[], number[]] = [Array.from(await weight.data()), Array.from(await bias.data())];
  optimizer.dispose();
  weight.dispose();
  bias.dispose();
  return result;
}

/** torch.optim.SGD for one parameter, written out in plain numbers. */
function torchSgd(
  p0: number[],
  grads: number[][],
  wd: number,
  momentum: number,
  nesterov: boolean,
): number[] {
  const p = [...p0];
  const buf: number[] = [];
  grads.forEach((g, step) => {
    p.forEach((value, i) => {
      let d = g[i]! + wd * value;
      if (momentum !== 0) {
        buf[i] = step === 0 ? d : momentum * buf[i]! + d;
        d = nesterov ? d + momentum * buf[i] : buf[i];
      }
      p[i] = value - lrs[step]! * d;
    });
  });
  return p;
}

/** torch.optim.Adam (decoupled=false) / AdamW (decoupled=true) for one parameter. */
function torchAdam(
  p0: number[],
  grads: number[][],
  wd: number,
  decoupled: boolean,
  b1: number,
  b2: number,
  eps: number,
): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, step) => {
    const t = step + 1;
    const lr = lrs[step]!;
    p.forEach((value, i) => {
      let d = g[i]!;
      let w = value;
      if (decoupled) w = w * (1 - lr * wd);
      else d = d + wd * value;
      m[i] = b1 * m[i]! + (1 - b1) * d;
      v[i] = b2 * v[i]! + (1 - b2) * d * d;
      const mHat = m[i] / (1 - b1 ** t);
      const vHat = v[i] / (1 - b2 ** t);
      p[i] = w - (lr * mHat) / (Math.sqrt(vHat) + eps);
    });
  });
  return p;
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    expect(a).toBeCloseTo(expected[i]!, 5);
  });
}

describe('optimizers match the torch update rules', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    { momentum: 0, nesterov: false, wd: 0 },
    { momentum: 0.9, nesterov: false, wd: 0.1 },
    { momentum: 0.9, nesterov: true, wd: 0.05 },
  ])('sgd momentum=$momentum nesterov=$nesterov wd=$wd', async ({ momentum, nesterov, wd }) => {
    const [weight, bias] = await runSteps(
      new Sgd({ lr: 0.1, weight_decay: wd, momentum, dampening: 0, nesterov }),
    );
    expectClose(weight, torchSgd(initialWeight, weightGrads, wd, momentum, nesterov));
    // Biases are not decayed.
    expectClose(bias, torchSgd(initialBias, biasGrads, 0, momentum, nesterov));
  });

  it.each([
    { decoupled: false, wd: 0 },
    { decoupled: false, wd: 0.1 },
    { decoupled: true, wd: 0.1 },
  ])('adam decoupled=$decoupled wd=$wd', async ({ decoupled, wd }) => {
    const betas: [number, number] = [0.8, 0.95];
    const eps = 1e-6;
    const [weight, bias] = await runSteps(new Adam({ weight_decay: wd, betas, eps, decoupled }));
    expectClose(weight, torchAdam(initialWeight, weightGrads, wd, decoupled, betas[0], betas[1], eps));
    expectClose(bias, torchAdam(initialBias, biasGrads, 0, decoupled, betas[0], betas[1], eps));
  });

  // On wasm cls-core's ADAM_STEP kernel updates every parameter in one call, each in one SIMD pass (4 values at a
  // time, the rest in JavaScript): 4·k + 3 values exercise both, and the bias is not decayed.
  it.each([
    { decoupled: false, wd: 0.1 },
    { decoupled: true, wd: 0.1 },
  ])('adam decoupled=$decoupled wd=$wd on wasm (one kernel call a step)', async ({ decoupled, wd }) => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    const random = createRandom(3);
    const values = (n: number): number[] => Array.from({ length: n }, () => random() * 4 - 2);
    const initial = values(23);
    const initialBias = values(7);
    const grads = lrs.map(() => values(23));
    const biasGrads = lrs.map(() => values(7));
    const betas: [number, number] = [0.8, 0.95];
    const eps = 1e-6;
    const optimizer = new Adam({ weight_decay: wd, betas, eps, decoupled });
    const weight = tf.variable(tf.tensor2d(initial, [23, 1]));
    const bias = tf.variable(tf.tensor1d(initialBias));
    const parameters: TrainableParameter[] = [
      { variable: weight, decay: true },
      { variable: bias, decay: false },
    ];
    const { kernels } = await tf.profile(() => {
      grads.forEach((g, step) => {
        const gradients = [tf.tensor2d(g, [23, 1]), tf.tensor1d(biasGrads[step]!)];
        optimizer.step(parameters, gradients, lrs[step]!);
        tf.dispose(gradients);
      });
    });
    expect(kernels.filter((k) => k.name === 'ClsAdamStep')).toHaveLength(3);
    expectClose(
      Array.from(await weight.data()),
      torchAdam(initial, grads, wd, decoupled, betas[0], betas[1], eps),
    );
    expectClose(
      Array.from(await bias.data()),
      torchAdam(initialBias, biasGrads, 0, decoupled, betas[0], betas[1], eps),
    );
    optimizer.dispose();
    tf.dispose([weight, bias]);
    await tf.setBackend('cpu');
  });

  it('rejects nesterov without momentum', () => {
    expect(() => new Sgd({ lr: 0.1, weight_decay: 0, momentum: 0, dampening: 0, nesterov: true })).toThrow(
      /nesterov/,
    );
  });
});
