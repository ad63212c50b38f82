import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createRecordingTrainerContext,
  readRecordedCheckpoint,
  runEpochs,
  type RecordingTrainerContext,
} from '@nextplay/cls-testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelCheckpoint, type ModelCheckpointOptions } from '../src/index.js';

let context: RecordingTrainerContext;
let runDir: string;

beforeEach(async () => {
  context = await createRecordingTrainerContext();
  runDir = context.runDir;
});

afterEach(() => context.dispose());

const checkpoints = () => join(runDir, 'checkpoints');

async function listCheckpoints(dir = checkpoints()): Promise<string[]> {
  return (await readdir(dir)).sort();
}

async function savedEpoch(path: string): Promise<number> {
  return (await readRecordedCheckpoint(path)).epoch;
}

/** Runs one 100-step epoch per entry (an entry without val/ metrics skips validation), listing the checkpoints after each. */
async function fit(options: ModelCheckpointOptions, metrics: readonly Record<string, number>[]) {
  const callback = new ModelCheckpoint(options);
  callback.onFitStart(context);
  const after: string[][] = [];
  for (const [index, values] of metrics.entries()) {
    await runEpochs(callback, context, [values], { firstEpoch: index });
    after.push(await listCheckpoints(callback.dirpath(context)));
  }
  return { callback, after };
}

describe('ModelCheckpoint top-k', () => {
  it('keeps the best val/acc (max) under its name and at best/, the latest at last/, ties keeping the earlier', async () => {
    const { callback, after } = await fit(
      {},
      [0.5, 0.7, 0.6, 0.7, 0.9].map((acc) => ({ 'val/acc': acc })),
    );

    expect(after).toEqual([
      ['best', 'epoch=0-step=100', 'last'],
      ['best', 'epoch=1-step=200', 'last'],
      ['best', 'epoch=1-step=200', 'last'],
      ['best', 'epoch=1-step=200', 'last'],
      ['best', 'epoch=4-step=500', 'last'],
    ]);
    expect(callback.bestModelPath()).toBe(join(checkpoints(), 'best'));
    expect(callback.summary()).toEqual({
      best_model_path: join(checkpoints(), 'best'),
      best_model_score: 0.9,
      last_model_path: join(checkpoints(), 'last'),
    });
    expect(await savedEpoch(join(checkpoints(), 'best'))).toBe(4);
    expect(await savedEpoch(join(checkpoints(), 'last'))).toBe(4);
  });

  it('best/ holds the best epoch even when later epochs are worse', async () => {
    await fit(
      {},
      [0.5, 0.8, 0.6].map((acc) => ({ 'val/acc': acc })),
    );
    expect(await savedEpoch(join(checkpoints(), 'best'))).toBe(1);
    expect(await savedEpoch(join(checkpoints(), 'epoch=1-step=200'))).toBe(1);
    expect(await savedEpoch(join(checkpoints(), 'last'))).toBe(2);
  });

  it('keeps the 2 lowest val/loss (min), deleting checkpoints that drop out, with metric placeholders', async () => {
    const { callback, after } = await fit(
      {
        monitor: 'val/loss',
        mode: 'min',
        save_top_k: 2,
        save_last: false,
        filename: '{epoch}-{val/loss:.3f}',
      },
      [0.9, 0.5, 0.7, 0.4, 0.6].map((loss) => ({ 'val/loss': loss })),
    );

    expect(after).toEqual([
      ['0-0.900', 'best'],
      ['0-0.900', '1-0.500', 'best'],
      ['1-0.500', '2-0.700', 'best'],
      ['1-0.500', '3-0.400', 'best'],
      ['1-0.500', '3-0.400', 'best'],
    ]);
    expect(callback.rankedCheckpoints().map((c) => [c.epoch, c.score])).toEqual([
      [3, 0.4],
      [1, 0.5],
    ]);
    expect(callback.summary()).toEqual({
      best_model_path: join(checkpoints(), 'best'),
      best_model_score: 0.4,
      last_model_path: null,
    });
    expect(await savedEpoch(join(checkpoints(), 'best'))).toBe(3);
  });

  it('save_top_k -1 keeps every checkpoint; equal scores rank in epoch order', async () => {
    const { callback, after } = await fit(
      { save_top_k: -1 },
      [0.6, 0.6, 0.9].map((acc) => ({ 'val/acc': acc })),
    );
    expect(after.at(-1)).toEqual([
      'best',
      'epoch=0-step=100',
      'epoch=1-step=200',
      'epoch=2-step=300',
      'last',
    ]);
    expect(callback.rankedCheckpoints().map((c) => c.epoch)).toEqual([2, 0, 1]);
  });

  it('save_top_k 0 saves only last/ and reports no best model', async () => {
    const { callback, after } = await fit({ save_top_k: 0 }, [{ 'val/acc': 0.5 }, { 'val/acc': 0.9 }]);
    expect(after).toEqual([['last'], ['last']]);
    expect(callback.bestModelPath()).toBeUndefined();
    expect(callback.summary()).toEqual({
      best_model_path: null,
      best_model_score: null,
      last_model_path: join(checkpoints(), 'last'),
    });
  });

  it('monitor null saves only last/', async () => {
    const { after } = await fit({ monitor: null }, [{ 'val/acc': 0.5 }]);
    expect(after).toEqual([['last']]);
  });

  it('ranks only every n epochs', async () => {
    const { callback } = await fit(
      { every_n_epochs: 2, save_top_k: -1 },
      [0.1, 0.2, 0.3, 0.4].map((acc) => ({ 'val/acc': acc })),
    );
    expect(callback.rankedCheckpoints().map((c) => c.epoch)).toEqual([3, 1]);
  });

  it('versions names that are already taken, never overwriting best/ or last/', async () => {
    const { after } = await fit({ save_top_k: -1, filename: 'run' }, [
      { 'val/acc': 0.1 },
      { 'val/acc': 0.2 },
    ]);
    expect(after.at(-1)).toEqual(['best', 'last', 'run', 'run-v1']);

    const reserved = await fit({ save_top_k: 1, filename: 'best', dirpath: join(runDir, 'other') }, [
      { 'val/acc': 0.1 },
    ]);
    expect(reserved.after).toEqual([['best', 'best-v1', 'last']]);
  });

  it('writes to dirpath when given', async () => {
    const dirpath = join(runDir, 'elsewhere');
    const { callback } = await fit({ dirpath }, [{ 'val/acc': 0.3 }]);
    expect(callback.dirpath(context)).toBe(dirpath);
    expect(await listCheckpoints(dirpath)).toEqual(['best', 'epoch=0-step=100', 'last']);
    expect(callback.bestModelPath()).toBe(join(dirpath, 'best'));
  });
});

describe('ModelCheckpoint edge cases', () => {
  it('warns once when the monitored metric is missing and still saves last/', async () => {
    const { callback, after } = await fit({}, [{ 'val/loss': 1 }, { 'val/loss': 0.5 }, { 'val/loss': 0.4 }]);
    expect(after).toEqual([['last'], ['last'], ['last']]);
    expect(callback.bestModelPath()).toBeUndefined();
    const warnings = context.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"val/acc" was not logged (available: val/loss)');
  });

  it('does not rank a NaN score', async () => {
    const { callback, after } = await fit({}, [{ 'val/acc': Number.NaN }, { 'val/acc': 0.2 }]);
    expect(after[0]).toEqual(['last']);
    expect(callback.bestModelScore()).toBe(0.2);
    expect(context.warnings()[0]).toContain('val/acc = NaN');
  });

  it('writes last/ once per step whether validation ends before or after the training epoch', async () => {
    const callback = new ModelCheckpoint();
    const lastStep = async () => (await readRecordedCheckpoint(join(checkpoints(), 'last'))).global_step;
    const saves = () => context.saved.length;
    context.metrics = { 'val/acc': 0.5 };
    context.globalStep = 10;
    await callback.onValidationEnd(context);
    // The ranked checkpoint was saved once; best/ and last/ are links to it.
    expect(saves()).toBe(1);
    await callback.onTrainEpochEnd(context);
    expect(saves()).toBe(1);
    expect(await lastStep()).toBe(10);
    context.epoch = 1;
    context.globalStep = 20;
    await callback.onTrainEpochEnd(context);
    await callback.onValidationEnd(context);
    expect(saves()).toBe(2);
    expect(await lastStep()).toBe(20);
    // A validation within the epoch (val_check_interval) writes last/ at its own step.
    context.globalStep = 25;
    await callback.onValidationEnd(context);
    expect(await lastStep()).toBe(25);
    context.globalStep = 30;
    await callback.onValidationEnd(context);
    await callback.onTrainEpochEnd(context);
    expect(saves()).toBe(4);
    expect(await lastStep()).toBe(30);
  });

  it('saves last/ for an epoch without validation', async () => {
    await runEpochs(new ModelCheckpoint(), context, [{}]);
    expect(await listCheckpoints()).toEqual(['last']);
  });

  it('saves nothing outside fit (trainer.validate)', async () => {
    const callback = new ModelCheckpoint();
    context.stage = 'validate';
    context.metrics = { 'val/acc': 0.9 };
    await callback.onValidationEnd(context);
    expect(context.saved).toEqual([]);
  });

  it('onFitStart forgets an earlier fit', async () => {
    const { callback } = await fit({}, [{ 'val/acc': 0.9 }]);
    callback.onFitStart(context);
    expect(callback.summary()).toEqual({
      best_model_path: null,
      best_model_score: null,
      last_model_path: null,
    });
  });

  it('rejects options that the schema would reject when created directly', () => {
    expect(() => new ModelCheckpoint({ save_top_k: -2 })).toThrow(/save_top_k must be an integer >= -1/);
    expect(() => new ModelCheckpoint({ every_n_epochs: 0 })).toThrow(/every_n_epochs/);
    expect(() => new ModelCheckpoint({ mode: 'median' as 'max' })).toThrow(/mode must be/);
  });
});
