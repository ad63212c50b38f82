import { isClsError } from '@nextplay/cls-core';
import {
  createRecordingTrainerContext,
  runEpochs,
  type RecordingTrainerContext,
} from '@nextplay/cls-testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EarlyStopping, type EarlyStoppingOptions } from '../src/index.js';

let context: RecordingTrainerContext;

beforeEach(async () => {
  context = await createRecordingTrainerContext();
});

afterEach(() => context.dispose());

/** Runs an epoch per value, logging `metric` and train/loss, until the trainer is asked to stop. */
function fit(
  callback: EarlyStopping,
  metric: string,
  values: readonly number[],
  firstEpoch = 0,
): Promise<number | undefined> {
  const epochs = values.map((value) => ({ 'train/loss': 0.1, [metric]: value }));
  return runEpochs(callback, context, epochs, { firstEpoch, batches: 1 });
}

function create(options: EarlyStoppingOptions): EarlyStopping {
  const callback = new EarlyStopping(options);
  callback.onFitStart();
  return callback;
}

describe('EarlyStopping patience', () => {
  it('stops after `patience` checks without improvement (mode max), a tie not counting as one', async () => {
    const callback = create({});
    const stoppedAt = await fit(callback, 'val/acc', [0.9812, 0.97, 0.98, 0.9812, 0.95, 0.96, 0.99]);

    expect(stoppedAt).toBe(5);
    expect(context.stopReasons).toEqual(['val/acc did not improve in 5 epochs; best 0.9812']);
    expect(callback.summary()).toEqual({ stopped_epoch: 5, early_stopping_best_score: 0.9812 });
    expect(context.messages.map((m) => m.text)).toContain(
      'early_stopping: val/acc did not improve in 5 epochs; best 0.9812; stopping after epoch 5',
    );
  });

  it('resets the wait on improvement (mode min)', async () => {
    const callback = create({ monitor: 'val/loss', mode: 'min', patience: 3 });
    expect(await fit(callback, 'val/loss', [1.0, 0.8, 0.85, 0.9, 0.7])).toBeUndefined();
    expect(callback.wait).toBe(0);
    expect(callback.bestScore).toBe(0.7);

    expect(await fit(callback, 'val/loss', [0.75, 0.72, 0.71], 5)).toBe(7);
    expect(context.stopReasons).toEqual(['val/loss did not improve in 3 epochs; best 0.7000']);
    expect(callback.summary()).toEqual({ stopped_epoch: 7, early_stopping_best_score: 0.7 });
  });

  it('counts only changes larger than min_delta as improvements (mode max)', async () => {
    const callback = create({ min_delta: 0.01, patience: 2 });
    expect(await fit(callback, 'val/acc', [0.5, 0.505, 0.52, 0.525, 0.526])).toBe(4);
    expect(callback.bestScore).toBe(0.52);
  });

  it('counts only changes larger than min_delta as improvements (mode min)', async () => {
    const callback = create({ monitor: 'val/loss', mode: 'min', min_delta: 0.1, patience: 1 });
    expect(await fit(callback, 'val/loss', [1.0, 0.95, 0.85])).toBe(1);
    expect(callback.bestScore).toBe(1.0);

    context.stopReasons = [];
    const improving = create({ monitor: 'val/loss', mode: 'min', min_delta: 0.1, patience: 1 });
    expect(await fit(improving, 'val/loss', [1.0, 0.85], 10)).toBeUndefined();
    expect(improving.bestScore).toBe(0.85);
  });

  it('patience 0 stops at the first check without improvement', async () => {
    expect(await fit(create({ patience: 0 }), 'val/acc', [0.5, 0.6, 0.6])).toBe(2);
  });
});

describe('EarlyStopping finite check and thresholds', () => {
  it('stops at once when the metric is NaN or infinite', async () => {
    expect(await fit(create({ monitor: 'val/loss', mode: 'min' }), 'val/loss', [0.5, Number.NaN])).toBe(1);
    expect(context.stopReasons).toEqual(['val/loss = NaN is not finite; best 0.5000']);

    context.stopReasons = [];
    expect(await fit(create({ monitor: 'val/loss', mode: 'min' }), 'val/loss', [Infinity])).toBe(0);
    expect(context.stopReasons).toEqual(['val/loss = Infinity is not finite; best none']);
  });

  it('with check_finite false a NaN only counts as no improvement', async () => {
    const callback = create({ check_finite: false, patience: 2 });
    expect(await fit(callback, 'val/acc', [0.5, Number.NaN])).toBeUndefined();
    expect(callback.wait).toBe(1);
    expect(callback.bestScore).toBe(0.5);
  });

  it('stops once the metric is better than stopping_threshold', async () => {
    const callback = create({ stopping_threshold: 0.95 });
    expect(await fit(callback, 'val/acc', [0.9, 0.95, 0.96])).toBe(2);
    expect(context.stopReasons).toEqual(['val/acc = 0.9600 reached stopping_threshold 0.95']);
  });

  it('stops once the metric is worse than divergence_threshold', async () => {
    const callback = create({ monitor: 'val/loss', mode: 'min', divergence_threshold: 10 });
    expect(await fit(callback, 'val/loss', [5, 10, 12])).toBe(2);
    expect(context.stopReasons).toEqual(['val/loss = 12.0000 passed divergence_threshold 10']);
  });
});

describe('EarlyStopping missing monitor', () => {
  it('strict (default): a CONFIG_INVALID error naming the logged metrics', () => {
    const callback = create({});
    context.metrics = { 'val/loss': 0.3, 'train/loss': 0.4 };
    let thrown: unknown;
    try {
      callback.onValidationEnd(context);
    } catch (error) {
      thrown = error;
    }
    expect(isClsError(thrown) && thrown.code).toBe('CONFIG_INVALID');
    expect(String(thrown)).toContain(
      'early_stopping monitors "val/acc", which was not logged; available metrics: train/loss, val/loss',
    );
  });

  it('strict false: warns once and never stops', async () => {
    const callback = create({ strict: false, patience: 1 });
    expect(await fit(callback, 'val/loss', [0.5, 0.6, 0.7])).toBeUndefined();
    expect(context.warnings()).toHaveLength(1);
    expect(context.warnings()[0]).toContain('"val/acc", which was not logged');
    expect(callback.summary()).toEqual({ stopped_epoch: null, early_stopping_best_score: null });
  });
});

describe('EarlyStopping lifecycle', () => {
  it('ignores validation outside fit', () => {
    const callback = create({ patience: 0 });
    context.stage = 'validate';
    context.metrics = { 'val/acc': Number.NaN };
    callback.onValidationEnd(context);
    expect(context.stopRequested).toBe(false);
    expect(callback.wait).toBe(0);
  });

  it('onFitStart starts over', async () => {
    const callback = create({ patience: 1 });
    await fit(callback, 'val/acc', [0.5, 0.4]);
    expect(callback.stoppedEpoch).toBe(1);
    callback.onFitStart();
    expect(callback.summary()).toEqual({ stopped_epoch: null, early_stopping_best_score: null });
    expect(callback.wait).toBe(0);
  });

  it('rejects invalid options when created directly', () => {
    expect(() => new EarlyStopping({ patience: 1.5 })).toThrow(/patience must be an integer >= 0/);
    expect(() => new EarlyStopping({ min_delta: -0.1 })).toThrow(/min_delta must be >= 0/);
    expect(() => new EarlyStopping({ mode: 'up' as 'max' })).toThrow(/mode must be/);
  });
});
