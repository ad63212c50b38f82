import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { isClsError, type ModuleState } from '@nextplay/cls-core';
import {
  createRecordingTrainerContext,
  runEpochs,
  type RecordingTrainerContext,
  type RecordingTrainerContextOptions,
} from '@nextplay/cls-testing';
import { afterEach, assert, beforeAll, describe, expect, it } from 'vitest';
import { ModelEma, type EmaOptions } from '../src/index.js';
import { createTinyModel, lerpFloat32, tensorValues, trainStep, weightValues } from './tinyModel.js';

let model: tfl.LayersModel;
let context: RecordingTrainerContext;
const callbacks: ModelEma[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(async () => {
  for (const callback of callbacks.splice(0)) callback.dispose();
  model.dispose();
  await context.dispose();
});

async function setUp(options: Partial<RecordingTrainerContextOptions> = {}): Promise<void> {
  model = createTinyModel();
  context = await createRecordingTrainerContext({ model, ...options });
}

/** Without warm-up and always storing the EMA unless a test says otherwise, so the arithmetic is the decay's. */
function createEma(options: EmaOptions = {}): ModelEma {
  const callback = new ModelEma({ warmup: false, checkpoint: 'ema', ...options });
  callbacks.push(callback);
  return callback;
}

/** One optimizer step (globalStep + 1) and the batch end the engine reports after it. */
async function optimizerStep(...emas: ModelEma[]): Promise<void> {
  await trainStep(model, context.globalStep);
  context.globalStep += 1;
  for (const ema of emas) ema.onTrainBatchEnd(context);
}

describe('ModelEma updates', () => {
  it('starts as a copy of the weights, then lerps with the decay of each step, exactly in float32', async () => {
    await setUp();
    const ema = createEma({ decay: 0.9, warmup: true, warmup_power: 1 });
    const initial = weightValues(model);
    ema.onFitStart(context);
    expect(tensorValues(ema.checkpointWeights())).toEqual(initial);

    await optimizerStep(ema);
    const afterStep1 = weightValues(model);
    expect(afterStep1).not.toEqual(initial);
    let expected = afterStep1; // decay 0 at step 1: a copy
    expect(tensorValues(ema.checkpointWeights())).toEqual(expected);

    await optimizerStep(ema);
    expect(ema.decayAt(2)).toBe(0.5); // warmup, power 1: 1 - 1 / (1 + 1)
    expected = lerpFloat32(expected, weightValues(model), 0.5);
    expect(tensorValues(ema.checkpointWeights())).toEqual(expected);

    await optimizerStep(ema);
    expect(ema.decayAt(3)).toBeCloseTo(2 / 3, 15);
    expected = lerpFloat32(expected, weightValues(model), ema.decayAt(3));
    expect(tensorValues(ema.checkpointWeights())).toEqual(expected);
    expect(ema.updatedAtStep).toBe(3);
  });

  it('averages the batch-norm moving statistics too (every model weight)', async () => {
    await setUp();
    const ema = createEma({ decay: 0.75 });
    const names = model.weights.map((variable) => variable.originalName);
    const movingMean = names.findIndex((name) => name.endsWith('moving_mean'));
    const movingVariance = names.findIndex((name) => name.endsWith('moving_variance'));
    expect(movingMean).toBeGreaterThan(-1);
    expect(movingVariance).toBeGreaterThan(-1);
    ema.onFitStart(context);
    await optimizerStep(ema);
    let expected = weightValues(model);
    for (let step = 2; step <= 3; step++) {
      const before = weightValues(model);
      await optimizerStep(ema);
      const after = weightValues(model);
      expect(after[movingMean]).not.toEqual(before[movingMean]);
      expected = lerpFloat32(expected, after, 0.75);
    }
    const average = tensorValues(ema.checkpointWeights());
    expect(average).toHaveLength(model.weights.length);
    expect(average[movingMean]).toEqual(expected[movingMean]);
    expect(average[movingVariance]).toEqual(expected[movingVariance]);
    expect(average).toEqual(expected);
  });

  it('updates once per optimizer step when gradient accumulation spreads a step over batches', async () => {
    await setUp({ stepsPerEpoch: 2 });
    const ema = createEma({ decay: 0.5 });
    ema.onFitStart(context);
    let expected: Float32Array[] = [];
    for (let batch = 0; batch < 6; batch++) {
      // accumulate_grad_batches 2: the optimizer steps after every second batch
      if (batch % 2 === 1) {
        await trainStep(model, context.globalStep);
        context.globalStep += 1;
        expected =
          context.globalStep === 1 ? weightValues(model) : lerpFloat32(expected, weightValues(model), 0.5);
      }
      ema.onTrainBatchEnd(context);
      expect(ema.updatedAtStep).toBe(context.globalStep);
    }
    expect(context.globalStep).toBe(3);
    expect(tensorValues(ema.checkpointWeights())).toEqual(expected);
  });

  it('copies the weights until update_after_step + 1 steps, then averages', async () => {
    await setUp();
    const ema = createEma({ decay: 0.5, update_after_step: 2 });
    ema.onFitStart(context);
    for (let step = 1; step <= 3; step++) {
      await optimizerStep(ema);
      expect(tensorValues(ema.checkpointWeights())).toEqual(weightValues(model));
    }
    const copied = weightValues(model);
    await optimizerStep(ema);
    expect(tensorValues(ema.checkpointWeights())).toEqual(lerpFloat32(copied, weightValues(model), 0.5));
  });

  it('leaks no tensors: an update or a validation keeps the count, dispose frees the average', async () => {
    await setUp({ validation: (prefix) => ({ [`${prefix}/acc`]: 0.5, [`${prefix}/loss`]: 1 }) });
    const ema = createEma({ decay: 0.9 });
    const baseline = tf.memory().numTensors;
    ema.onFitStart(context);
    const withAverage = tf.memory().numTensors;
    expect(withAverage).toBe(baseline + model.weights.length);
    for (let step = 0; step < 3; step++) {
      await trainStep(model, step);
      context.globalStep += 1;
      const before = tf.memory().numTensors;
      ema.onTrainBatchEnd(context);
      expect(tf.memory().numTensors).toBe(before);
    }
    const beforeValidation = tf.memory().numTensors;
    await ema.onValidationEnd(context);
    expect(tf.memory().numTensors).toBe(beforeValidation);
    ema.dispose();
    expect(tf.memory().numTensors).toBe(beforeValidation - model.weights.length);
    expect(ema.checkpointWeights()).toBeUndefined();
  });
});

describe('ModelEma validation', () => {
  it('validates the EMA weights as val_ema, then restores the live weights bit-exactly', async () => {
    let seen: Float32Array[] = [];
    await setUp({
      validation: (prefix, recording) => {
        seen = weightValues(recording.model);
        return { [`${prefix}/loss`]: 0.25, [`${prefix}/acc`]: 0.75, [`${prefix}/acc_top5`]: 1 };
      },
    });
    const ema = createEma({ decay: 0.5 });
    ema.onFitStart(context);
    expect(ema.summary()).toEqual({
      'val_ema/acc': null,
      'val_ema/loss': null,
      ema_decay: 0.5,
      checkpoint_weights: 'ema',
    });
    // The engine's hook order, with a real optimizer step before each batch end.
    const trainingEma = {
      onTrainBatchEnd: async (recording: RecordingTrainerContext) => {
        await trainStep(model, recording.globalStep);
        ema.onTrainBatchEnd(recording);
      },
      onValidationEnd: (recording: RecordingTrainerContext) => ema.onValidationEnd(recording),
    };
    await runEpochs(trainingEma, context, [{ 'train/loss': 1, 'val/acc': 0.5 }], { batches: 3 });

    const live = weightValues(model);
    const average = tensorValues(ema.checkpointWeights());
    expect(average).not.toEqual(live);
    expect(seen).toEqual(average);
    expect(weightValues(model)).toEqual(live);
    expect(context.validations).toEqual(['val_ema']);
    expect(context.metrics).toMatchObject({ 'val_ema/acc': 0.75, 'val_ema/loss': 0.25, 'val/acc': 0.5 });
    expect(ema.summary()).toEqual({
      'val_ema/acc': 0.75,
      'val_ema/loss': 0.25,
      ema_decay: 0.5,
      checkpoint_weights: 'ema',
    });
  });

  it('restores the live weights when validation fails', async () => {
    await setUp({
      validation: () => {
        throw new Error('val split unreadable');
      },
    });
    const ema = createEma({ decay: 0.5 });
    ema.onFitStart(context);
    await optimizerStep(ema);
    await optimizerStep(ema);
    const live = weightValues(model);
    await expect(ema.onValidationEnd(context)).rejects.toThrow('val split unreadable');
    expect(weightValues(model)).toEqual(live);
  });

  it('does not validate with validate false, outside fit, or without a val split', async () => {
    await setUp();
    const quiet = createEma({ validate: false, checkpoint: 'better' });
    quiet.onFitStart(context);
    await quiet.onValidationEnd(context);
    expect(context.validations).toEqual([]);

    const ema = createEma();
    ema.onFitStart(context);
    context.stage = 'validate';
    await ema.onValidationEnd(context);
    expect(context.validations).toEqual([]);

    context.stage = 'fit';
    await ema.onValidationEnd(context); // the context has no val split: validate resolves undefined
    expect(context.validations).toEqual(['val_ema']);
    expect(context.logged).toEqual([]);
    expect(ema.summary()).toEqual({
      'val_ema/acc': null,
      'val_ema/loss': null,
      ema_decay: 0.9998,
      checkpoint_weights: 'ema',
    });
  });
});

describe('ModelEma checkpoint weights (checkpoint: ema)', () => {
  it('stores the EMA even when the live weights validated better, and logs its metrics as val_ckpt', async () => {
    await setUp({ validation: (prefix) => ({ [`${prefix}/loss`]: 2, [`${prefix}/acc`]: 0.1 }) });
    const ema = createEma({ checkpoint: 'ema' });
    ema.onFitStart(context);
    await optimizerStep(ema);
    context.metrics['val/acc'] = 0.9;
    context.metrics['val/loss'] = 0.2;
    await ema.onValidationEnd(context);
    expect(tensorValues(ema.checkpointWeights())).toHaveLength(model.weights.length);
    expect(context.metrics).toMatchObject({ 'val_ckpt/acc': 0.1, 'val_ckpt/loss': 2 });
    expect(ema.summary()).toMatchObject({ checkpoint_weights: 'ema' });
  });
});

describe('ModelEma checkpoint weights (checkpoint: better)', () => {
  it('stores whichever weights validated better, and logs their metrics as val_ckpt', async () => {
    let emaAcc = 0.4;
    await setUp({
      validation: (prefix) => ({ [`${prefix}/loss`]: 1 - emaAcc, [`${prefix}/acc`]: emaAcc }),
    });
    const ema = createEma({ checkpoint: 'better' });
    ema.onFitStart(context);
    await optimizerStep(ema);
    context.metrics['val/acc'] = 0.6;
    context.metrics['val/loss'] = 0.5;
    await ema.onValidationEnd(context);
    expect(ema.checkpointWeights()).toBeUndefined();
    expect(context.metrics).toMatchObject({ 'val_ckpt/acc': 0.6, 'val_ckpt/loss': 0.5 });
    expect(ema.summary()).toMatchObject({ checkpoint_weights: 'live' });
    expect(ema.stateDict().json).toMatchObject({ checkpoint_holds_ema: false });

    emaAcc = 0.7;
    await ema.onValidationEnd(context);
    expect(tensorValues(ema.checkpointWeights())).toHaveLength(model.weights.length);
    expect(context.metrics).toMatchObject({ 'val_ckpt/acc': 0.7, 'val_ckpt/loss': 1 - 0.7 });
    expect(ema.summary()).toMatchObject({ checkpoint_weights: 'ema' });
  });

  it('without validating the EMA, stores the live weights and logs their metrics as val_ckpt', async () => {
    await setUp({ validation: (prefix) => ({ [`${prefix}/loss`]: 0, [`${prefix}/acc`]: 1 }) });
    const ema = createEma({ checkpoint: 'better', validate: false });
    ema.onFitStart(context);
    await optimizerStep(ema);
    context.metrics['val/acc'] = 0.6;
    context.metrics['val/loss'] = 0.5;
    await ema.onValidationEnd(context);
    expect(context.validations).toEqual([]);
    expect(ema.checkpointWeights()).toBeUndefined();
    expect(context.metrics).toMatchObject({ 'val_ckpt/acc': 0.6, 'val_ckpt/loss': 0.5 });
    expect(ema.summary()).toMatchObject({ checkpoint_weights: 'live' });
  });

  it('keeps the choice across a resume', async () => {
    await setUp({ validation: (prefix) => ({ [`${prefix}/loss`]: 2, [`${prefix}/acc`]: 0.1 }) });
    const original = createEma({ checkpoint: 'better' });
    original.onFitStart(context);
    context.metrics['val/acc'] = 0.9;
    await original.onValidationEnd(context);
    const resumed = createEma({ checkpoint: 'better' });
    resumed.loadStateDict(original.stateDict());
    resumed.onFitStart(context);
    expect(resumed.checkpointWeights()).toBeUndefined();
  });

  it('warms up by default, so a short run does not average towards the initial weights', async () => {
    await setUp();
    const ema = new ModelEma();
    expect(ema.options.warmup).toBe(true);
    // timm ModelEmaV3(use_warmup=True): 1 - (1 + t)^(-2/3) with t = step - 1, not 0.9998.
    expect(ema.decayAt(101)).toBeCloseTo(1 - 101 ** (-2 / 3), 12);
  });
});

describe('ModelEma state', () => {
  it('checkpointWeights is undefined before the fit starts', async () => {
    await setUp();
    expect(createEma().checkpointWeights()).toBeUndefined();
  });

  it('resumes from stateDict: onFitStart keeps the restored EMA, which then evolves identically', async () => {
    await setUp();
    const options: EmaOptions = { decay: 0.9, warmup: true };
    const original = createEma(options);
    original.onFitStart(context);
    for (let step = 0; step < 3; step++) await optimizerStep(original);

    const state = original.stateDict();
    expect(state.json).toEqual({
      updated_at_step: 3,
      weights: model.weights.length,
      checkpoint_holds_ema: true,
    });
    expect(Object.keys(state.tensors ?? {})).toHaveLength(model.weights.length);
    const resumed = createEma(options);
    resumed.loadStateDict(state);
    // The state's tensors stay the caller's: changing them afterwards must not reach the resumed EMA.
    const saved = tensorValues(original.checkpointWeights());
    await trainStep(model, 99); // the live weights now differ from the EMA
    resumed.onFitStart(context);
    expect(tensorValues(resumed.checkpointWeights())).toEqual(saved);
    expect(resumed.updatedAtStep).toBe(3);

    resumed.onTrainBatchEnd(context); // globalStep is still 3: no update
    expect(tensorValues(resumed.checkpointWeights())).toEqual(saved);
    for (let step = 0; step < 2; step++) await optimizerStep(original, resumed);
    expect(tensorValues(resumed.checkpointWeights())).toEqual(tensorValues(original.checkpointWeights()));
    original.dispose();
    expect(resumed.checkpointWeights()?.[0]?.isDisposed).toBe(false);
  });

  it('starts a fresh average at a fit that was not resumed', async () => {
    await setUp();
    const ema = createEma({ decay: 0.5 });
    ema.onFitStart(context);
    await optimizerStep(ema);
    await optimizerStep(ema);
    await trainStep(model, 7);
    ema.onFitStart(context);
    expect(tensorValues(ema.checkpointWeights())).toEqual(weightValues(model));
  });

  it('rejects a restored EMA that does not fit the model, and state without EMA', async () => {
    await setUp();
    const other = createEma();
    const wrongShape: ModuleState = {
      json: { updated_at_step: 1, weights: model.weights.length },
      tensors: Object.fromEntries(
        model.weights.map((variable, index) => [
          `weight_${String(index)}`,
          index === 0 ? tf.zeros([5, 5]) : variable.read().clone(),
        ]),
      ),
    };
    other.loadStateDict(wrongShape);
    tf.dispose(Object.values(wrongShape.tensors ?? {}));
    expect(() => {
      other.onFitStart(context);
    }).toThrow(
      /^callbacks\.ema: the checkpoint's EMA does not fit the model: weight 0 \(.*kernel\) has shape \[5, 5\], the model's is \[3, 4\]$/,
    );

    const tooFew = createEma();
    tooFew.loadStateDict({
      json: { updated_at_step: 1, weights: 1 },
      tensors: { weight_0: tf.zeros([3, 4]) },
    });
    expect(() => {
      tooFew.onFitStart(context);
    }).toThrow(
      `callbacks.ema: the checkpoint's EMA does not fit the model: it holds 1 weights, the model has ${String(model.weights.length)}`,
    );

    const empty = createEma();
    let thrown: unknown;
    try {
      empty.loadStateDict({});
    } catch (error) {
      thrown = error;
    }
    assert(isClsError(thrown));
    expect(thrown.code).toBe('CHECKPOINT_INVALID');
    expect(() => {
      empty.loadStateDict({ json: { updated_at_step: 2, weights: 2 }, tensors: {} });
    }).toThrow('callbacks.ema: the checkpoint lacks EMA weight 0');
  });
});
