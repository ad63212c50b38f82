import { isClsError, type JsonValue } from '@nextplay/cls-core';
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

function fit(
  callback: EarlyStopping,
  metric: string,
  values: readonly number[],
  firstEpoch = 0,
): Promise<number | undefined> {
  const epochs = values.map((value) => ({ [metric]: value }));
  return runEpochs(callback, context, epochs, { firstEpoch, batches: 1 });
}

function started(options: EarlyStoppingOptions): EarlyStopping {
  const callback = new EarlyStopping(options);
  callback.onFitStart();
  return callback;
}

/** A fresh callback given `from`'s state after a trip through JSON text, as a checkpoint stores it. */
function resumed(options: EarlyStoppingOptions, from: EarlyStopping): EarlyStopping {
  const callback = new EarlyStopping(options);
  callback.loadStateDict({ json: JSON.parse(JSON.stringify(from.stateDict().json)) as JsonValue });
  callback.onFitStart();
  return callback;
}

describe('EarlyStopping resumed from a checkpoint', () => {
  const options: EarlyStoppingOptions = { patience: 3 };
  const values = [0.5, 0.6, 0.55, 0.58, 0.59, 0.57];

  it('stops at the same epoch as a run that was never interrupted', async () => {
    const whole = started(options);
    expect(await fit(whole, 'val/acc', values)).toBe(4);
    const reasons = [...context.stopReasons];
    context.stopReasons = [];

    const before = started(options);
    expect(await fit(before, 'val/acc', values.slice(0, 3))).toBeUndefined();
    expect(before.stateDict().json).toEqual({ best_score: 0.6, wait: 1, stopped_epoch: null });
    const after = resumed(options, before);
    expect(await fit(after, 'val/acc', values.slice(3), 3)).toBe(4);
    expect(context.stopReasons).toEqual(reasons);
    expect(after.summary()).toEqual(whole.summary());
    expect(after.stateDict()).toEqual(whole.stateDict());
  });

  it('a restart without the state goes on longer (the comparison above can fail)', async () => {
    const before = started(options);
    await fit(before, 'val/acc', values.slice(0, 3));
    expect(await fit(started(options), 'val/acc', values.slice(3), 3)).toBeUndefined();
  });

  it('keeps the stopped epoch', async () => {
    const stopped = started({ patience: 0 });
    expect(await fit(stopped, 'val/acc', [0.5, 0.4])).toBe(1);
    const after = resumed({ patience: 0 }, stopped);
    expect(after.stoppedEpoch).toBe(1);
    expect(after.summary()).toEqual({ stopped_epoch: 1, early_stopping_best_score: 0.5 });
  });

  it('a fit after the resumed one starts over', async () => {
    const before = started(options);
    await fit(before, 'val/acc', values.slice(0, 3));
    const after = resumed(options, before);
    expect(after.bestScore).toBe(0.6);
    after.onFitStart();
    expect(after.bestScore).toBeUndefined();
    expect(after.wait).toBe(0);
  });
});

describe('EarlyStopping state as JSON', () => {
  it.each(['max', 'min'] as const)(
    'before any improvement (mode %s) the best is null, and the next value improves on it',
    async (mode) => {
      const before = started({ mode, monitor: 'val/loss', patience: 1 });
      expect(before.stateDict().json).toEqual({ best_score: null, wait: 0, stopped_epoch: null });
      const after = resumed({ mode, monitor: 'val/loss', patience: 1 }, before);
      expect(after.bestScore).toBeUndefined();
      expect(await fit(after, 'val/loss', [1e30])).toBeUndefined();
      expect(after.bestScore).toBe(1e30);
    },
  );

  it('an infinite best (check_finite false) round-trips as "Infinity"', async () => {
    const options: EarlyStoppingOptions = { check_finite: false, patience: 1 };
    const before = started(options);
    await fit(before, 'val/acc', [Infinity]);
    expect(before.stateDict().json).toEqual({ best_score: 'Infinity', wait: 0, stopped_epoch: null });
    const after = resumed(options, before);
    expect(await fit(after, 'val/acc', [1e30], 1)).toBe(1);
    expect(context.stopReasons).toEqual(['val/acc did not improve in 1 epochs; best none']);

    const minimum = started({ ...options, mode: 'min', monitor: 'val/loss' });
    await fit(minimum, 'val/loss', [-Infinity], 2);
    expect(minimum.stateDict().json).toEqual({ best_score: '-Infinity', wait: 0, stopped_epoch: null });
  });

  it.each([
    {
      json: undefined,
      message: /early_stopping state must be an object with best_score, wait, stopped_epoch, got nothing/,
    },
    { json: 0.5, message: /must be an object/ },
    { json: { best_score: 0.5, wait: 0 }, message: /early_stopping state lacks stopped_epoch/ },
    { json: { best_score: 0.5, wait: 0, stopped_epoch: null, patience: 3 }, message: /has unknown patience/ },
    {
      json: { best_score: 'NaN', wait: 0, stopped_epoch: null },
      message: /best_score must be null, a number/,
    },
    {
      json: { best_score: 0.5, wait: -1, stopped_epoch: null },
      message: /wait must be a non-negative integer, got -1/,
    },
    {
      json: { best_score: 0.5, wait: 0, stopped_epoch: 'x' },
      message: /stopped_epoch must be a non-negative integer/,
    },
  ])('rejects $json with CHECKPOINT_INVALID', ({ json, message }) => {
    const callback = new EarlyStopping();
    let thrown: unknown;
    try {
      callback.loadStateDict(json === undefined ? {} : { json });
    } catch (error) {
      thrown = error;
    }
    expect(isClsError(thrown) && thrown.code).toBe('CHECKPOINT_INVALID');
    expect(String(thrown)).toMatch(message);
  });
});
