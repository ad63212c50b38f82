import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { isClsError, type ModuleState, type Optimizer, type TrainableParameter } from '@nextplay/cls-core';
import { Adam, Sgd } from '../src/index.js';

const STEPS = 6;

/** y = x·W + b with W [3, 2], b [2] and a decayed extra scale [2] (y · s), fitted to fixed targets. */
function createParameters(): TrainableParameter[] {
  return tf.tidy(() => [
    { variable: tf.variable(tf.tensor2d([0.5, -1.5, 2, 0.25, -0.75, 1], [3, 2])), decay: true },
    { variable: tf.variable(tf.tensor1d([0.1, -0.2])), decay: false },
    { variable: tf.variable(tf.tensor1d([1, 0.9])), decay: true },
  ]);
}

/** The batch of step `step`: 4 rows whose values change from step to step. */
function batch(step: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = Array.from({ length: 12 }, (_, i) => Math.sin(step * 12 + i));
  const y = Array.from({ length: 8 }, (_, i) => Math.cos(step * 8 + i));
  return { x: tf.tensor2d(x, [4, 3]), y: tf.tensor2d(y, [4, 2]) };
}

/** One optimizer step on the mean squared error of `step`'s batch, with a learning rate that changes per step. */
function trainStep(optimizer: Optimizer, parameters: readonly TrainableParameter[], step: number): void {
  const [weight, bias, scale] = parameters.map((p) => p.variable) as [tf.Variable, tf.Variable, tf.Variable];
  const { x, y } = batch(step);
  const { value, grads } = tf.variableGrads(
    () =>
      tf.losses.meanSquaredError<tf.Tensor, tf.Scalar>(y, tf.mul(tf.add(tf.matMul(x, weight), bias), scale)),
    [weight, bias, scale],
  );
  const gradients = [weight, bias, scale].map((v) => {
    const gradient = grads[v.name];
    if (gradient === undefined) throw new Error(`no gradient for ${v.name}`);
    return gradient;
  });
  optimizer.step(parameters, gradients, 0.05 / (1 + step));
  tf.dispose([x, y, value, ...gradients]);
}

/** What a checkpoint hands back: the JSON after a round trip through text, the tensors as fresh copies. */
function throughCheckpoint(state: ModuleState): ModuleState {
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, tensor] of Object.entries(state.tensors ?? {})) {
    tensors[name] = tf.tensor(tensor.dataSync(), tensor.shape, 'float32');
  }
  const json = JSON.parse(JSON.stringify(state.json ?? null)) as ModuleState['json'];
  return json === undefined ? { tensors } : { json, tensors };
}

function copyParameters(parameters: readonly TrainableParameter[]): TrainableParameter[] {
  return parameters.map(({ variable, decay }) => ({ variable: tf.variable(variable), decay }));
}

function values(parameters: readonly TrainableParameter[]): Float32Array[] {
  return parameters.map(({ variable }) => variable.dataSync() as Float32Array);
}

function disposeParameters(parameters: readonly TrainableParameter[]): void {
  for (const { variable } of parameters) variable.dispose();
}

function caught(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function expectInvalid(action: () => void, message: RegExp): void {
  const error = caught(action);
  expect(isClsError(error) && error.code).toBe('CHECKPOINT_INVALID');
  expect(String(error)).toMatch(message);
}

const optimizers: { name: string; create: () => Optimizer }[] = [
  {
    name: 'sgd momentum nesterov',
    create: () => new Sgd({ lr: 0.05, weight_decay: 0.01, momentum: 0.9, dampening: 0, nesterov: true }),
  },
  {
    name: 'sgd momentum dampening',
    create: () => new Sgd({ lr: 0.05, weight_decay: 0.01, momentum: 0.8, dampening: 0.1, nesterov: false }),
  },
  {
    name: 'adam',
    create: () => new Adam({ weight_decay: 0.01, betas: [0.9, 0.99], eps: 1e-8, decoupled: false }),
  },
  {
    name: 'adamw',
    create: () => new Adam({ weight_decay: 0.05, betas: [0.8, 0.95], eps: 1e-6, decoupled: true }),
  },
];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('optimizer state resumes a run bit-exactly', () => {
  describe.each(optimizers)('$name', ({ create }) => {
    it.each([0, 1, 3])('from the state after %i steps', (resumeAt) => {
      const tensorsBefore = tf.memory().numTensors;
      const parameters = createParameters();
      const optimizer = create();
      for (let step = 0; step < resumeAt; step++) trainStep(optimizer, parameters, step);

      const tensorsBeforeState = tf.memory().numTensors;
      const saved = optimizer.stateDict(parameters);
      // stateDict allocates nothing: its tensors are the optimizer's own buffers.
      expect(tf.memory().numTensors).toBe(tensorsBeforeState);
      const state = throughCheckpoint(saved);
      const resumedParameters = copyParameters(parameters);
      const resumed = create();
      resumed.loadStateDict(resumedParameters, state);
      tf.dispose(Object.values(state.tensors ?? {}));
      // The resumed optimizer keeps copies of the caller's tensors, which the caller disposed.
      const buffers = Object.keys(saved.tensors ?? {}).length;
      expect(tf.memory().numTensors).toBe(tensorsBeforeState + parameters.length + buffers);
      // Without the state the same steps go elsewhere (except from step 0, where there is none).
      const restarted = create();
      const restartedParameters = copyParameters(parameters);

      for (let step = resumeAt; step < STEPS; step++) {
        trainStep(optimizer, parameters, step);
        trainStep(resumed, resumedParameters, step);
        trainStep(restarted, restartedParameters, step);
      }

      expect(values(resumedParameters)).toEqual(values(parameters));
      if (resumeAt > 0) expect(values(restartedParameters)).not.toEqual(values(parameters));
      expect(resumed.stateDict(resumedParameters).json).toEqual(optimizer.stateDict(parameters).json);

      restarted.dispose();
      disposeParameters(restartedParameters);
      resumed.dispose();
      disposeParameters(resumedParameters);
      optimizer.dispose();
      disposeParameters(parameters);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    });
  });

  it('names every buffer <parameter index>/<buffer index> and keeps owning them', () => {
    const parameters = createParameters();
    const adam = optimizers[2]!.create();
    trainStep(adam, parameters, 0);
    const tensors = tf.memory().numTensors;
    const state = adam.stateDict(parameters);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(state.json).toEqual({ parameters: 3, step: 1 });
    expect(Object.keys(state.tensors ?? {}).sort()).toEqual(['0/0', '0/1', '1/0', '1/1', '2/0', '2/1']);
    expect(state.tensors?.['0/1']?.shape).toEqual([3, 2]);
    adam.dispose();
    expect(state.tensors?.['0/0']?.isDisposed).toBe(true);
    disposeParameters(parameters);
  });

  it('sgd without momentum keeps no buffers', () => {
    const parameters = createParameters();
    const sgd = new Sgd({ lr: 0.1, weight_decay: 0, momentum: 0, dampening: 0, nesterov: false });
    trainStep(sgd, parameters, 0);
    expect(sgd.stateDict(parameters)).toEqual({ json: { parameters: 3 }, tensors: {} });
    sgd.dispose();
    disposeParameters(parameters);
  });

  it('stores loaded buffers as float32 copies', () => {
    const parameters = createParameters();
    const sgd = optimizers[0]!.create();
    const momentum = tf.tensor1d([1, 2], 'int32');
    sgd.loadStateDict(parameters, { json: { parameters: 3 }, tensors: { '1/0': momentum } });
    momentum.dispose();
    const buffer = sgd.stateDict(parameters).tensors?.['1/0'];
    expect(buffer?.dtype).toBe('float32');
    expect(Array.from(buffer?.dataSync() ?? [])).toEqual([1, 2]);
    sgd.dispose();
    disposeParameters(parameters);
  });
});

describe('optimizer state that does not fit', () => {
  let parameters: TrainableParameter[];
  let valid: ModuleState;

  function withAdam(check: (adam: Optimizer) => void): void {
    parameters = createParameters();
    const source = optimizers[2]!.create();
    trainStep(source, parameters, 0);
    valid = source.stateDict(parameters);
    const adam = optimizers[2]!.create();
    trainStep(adam, parameters, 1);
    const before = adam.stateDict(parameters);
    const beforeValues = Object.fromEntries(
      Object.entries(before.tensors ?? {}).map(([name, t]) => [name, Array.from(t.dataSync())]),
    );
    const tensors = tf.memory().numTensors;
    check(adam);
    // A rejected state changes nothing.
    expect(tf.memory().numTensors).toBe(tensors);
    const after = adam.stateDict(parameters);
    expect(after.json).toEqual(before.json);
    expect(
      Object.fromEntries(
        Object.entries(after.tensors ?? {}).map(([name, t]) => [name, Array.from(t.dataSync())]),
      ),
    ).toEqual(beforeValues);
    adam.dispose();
    source.dispose();
    disposeParameters(parameters);
  }

  it('rejects a state for another number of parameters', () => {
    withAdam((adam) => {
      expectInvalid(() => {
        adam.loadStateDict(parameters.slice(0, 2), valid);
      }, /adam state is for 3 parameters but the model has 2/);
    });
  });

  it('rejects a buffer whose shape is not its parameter’s, naming both', () => {
    withAdam((adam) => {
      const wrong = tf.zeros([2, 3]);
      expectInvalid(() => {
        adam.loadStateDict(parameters, { ...valid, tensors: { ...valid.tensors, '0/1': wrong } });
      }, /adam state for parameter 0 \(.+\) has shape \[2, 3\] but the parameter has shape \[3, 2\]/);
      wrong.dispose();
    });
  });

  it('rejects a parameter with only some of its buffers', () => {
    withAdam((adam) => {
      const tensors = { ...valid.tensors };
      delete tensors['2/1'];
      expectInvalid(() => {
        adam.loadStateDict(parameters, { ...valid, tensors });
      }, /adam state for parameter 2 \(.+\) lacks tensor "2\/1"/);
    });
  });

  it('rejects tensor names that are no buffer', () => {
    withAdam((adam) => {
      const extra = tf.zeros([2]);
      for (const name of ['3/0', '0/2', 'momentum', '1/0/0']) {
        expectInvalid(
          () => {
            adam.loadStateDict(parameters, { ...valid, tensors: { ...valid.tensors, [name]: extra } });
          },
          new RegExp(`adam state has a tensor "${name}"`),
        );
      }
      extra.dispose();
    });
  });

  it('rejects missing, malformed or unknown JSON entries', () => {
    withAdam((adam) => {
      const load = (json: ModuleState['json']) => () => {
        adam.loadStateDict(parameters, json === undefined ? {} : { json, tensors: valid.tensors ?? {} });
      };
      expectInvalid(load(undefined), /adam state must be an object with parameters, step, got nothing/);
      expectInvalid(load([3, 1]), /must be an object/);
      expectInvalid(load({ parameters: 3 }), /needs step as a non-negative integer, got nothing/);
      expectInvalid(load({ parameters: 3, step: -1 }), /needs step as a non-negative integer, got -1/);
      expectInvalid(load({ parameters: 3, step: 1.5 }), /got 1.5/);
      expectInvalid(load({ parameters: 3, step: 1, lr: 0.1 }), /unknown entries lr/);
    });
  });

  it('rejects momentum buffers for sgd without momentum', () => {
    const plain = createParameters();
    const sgd = new Sgd({ lr: 0.1, weight_decay: 0, momentum: 0, dampening: 0, nesterov: false });
    const buffer = tf.zeros([2]);
    expectInvalid(() => {
      sgd.loadStateDict(plain, { json: { parameters: 3 }, tensors: { '1/0': buffer } });
    }, /sgd state has a tensor "1\/0"; expected <parameter index below 3>\/<buffer index below 0>/);
    buffer.dispose();
    sgd.dispose();
    disposeParameters(plain);
  });
});
