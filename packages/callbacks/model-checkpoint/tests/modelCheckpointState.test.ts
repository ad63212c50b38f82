import { readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isClsError, type JsonValue } from '@nextplay/cls-core';
import {
  createRecordingTrainerContext,
  readRecordedCheckpoint,
  runEpochs,
  type RecordingTrainerContext,
} from '@nextplay/cls-testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelCheckpoint, type ModelCheckpointOptions } from '../src/index.js';

const contexts: RecordingTrainerContext[] = [];

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.dispose()));
});

const STATE_FILE = 'callback_state.json';

/**
 * A run whose checkpoints also hold the callback's state as JSON, as the engine stores it: `stateDict()` taken
 * when the checkpoint is written. Checkpoints linked from another (best, last) carry that one's file.
 */
async function createRun() {
  const context = await createRecordingTrainerContext();
  contexts.push(context);
  const run = { context, callback: undefined as ModelCheckpoint | undefined };
  const save = context.saveCheckpoint.bind(context);
  context.saveCheckpoint = async (path: string) => {
    const state = JSON.stringify(run.callback?.stateDict().json);
    await save(path);
    await writeFile(join(path, STATE_FILE), state);
  };
  return run;
}

/** The callback state stored in checkpoint `path`, or undefined without one. */
function stateAt(path: string): string | undefined {
  try {
    return readFileSync(join(path, STATE_FILE), 'utf8');
  } catch {
    return undefined;
  }
}

type Run = Awaited<ReturnType<typeof createRun>>;

/** Runs an epoch per score from `firstEpoch` (100 steps each), returning the checkpoint listing after each. */
async function train(run: Run, monitor: string, scores: readonly number[], firstEpoch: number) {
  const callback = run.callback;
  if (callback === undefined) throw new Error('no callback');
  const after: string[][] = [];
  for (const [offset, score] of scores.entries()) {
    await runEpochs(callback, run.context, [{ [monitor]: score }], { firstEpoch: firstEpoch + offset });
    after.push((await readdir(callback.dirpath(run.context))).sort());
  }
  return after;
}

/** Everything the callback reports, paths relative to the run directory. */
async function outcome(run: Run) {
  const callback = run.callback;
  if (callback === undefined) throw new Error('no callback');
  const relative = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value).replaceAll(run.context.runDir, '<run>'));
  const dir = callback.dirpath(run.context);
  return relative({
    ranked: callback.rankedCheckpoints(),
    summary: callback.summary(),
    state: callback.stateDict().json,
    bestEpoch: (await readRecordedCheckpoint(join(dir, 'best'))).epoch,
    lastEpoch: (await readRecordedCheckpoint(join(dir, 'last'))).epoch,
  });
}

function lastState(run: Run): JsonValue {
  const text = stateAt(join(run.context.runDir, 'checkpoints', 'last'));
  if (text === undefined) throw new Error('no last checkpoint');
  return JSON.parse(text) as JsonValue;
}

const scenarios: { name: string; options: ModelCheckpointOptions; monitor: string; scores: number[] }[] = [
  {
    name: 'top-2 val/loss, a file kept from before the interruption dropped after it',
    options: { monitor: 'val/loss', mode: 'min', save_top_k: 2, filename: '{epoch}-{val/loss:.3f}' },
    monitor: 'val/loss',
    scores: [0.9, 0.5, 0.7, 0.4, 0.6],
  },
  {
    name: 'top-1 val/acc, the best from before the interruption staying best',
    options: {},
    monitor: 'val/acc',
    scores: [0.5, 0.8, 0.6, 0.7, 0.75],
  },
  {
    name: 'all val/acc with a taken name',
    options: { save_top_k: -1, filename: 'run' },
    monitor: 'val/acc',
    scores: [0.5, 0.8, 0.6, 0.9, 0.75],
  },
];

describe('ModelCheckpoint resumed from its last checkpoint', () => {
  it.each(scenarios)('$name: as if never interrupted', async ({ options, monitor, scores }) => {
    const whole = await createRun();
    whole.callback = new ModelCheckpoint(options);
    whole.callback.onFitStart(whole.context);
    const wholeListings = await train(whole, monitor, scores, 0);

    const interrupted = await createRun();
    interrupted.callback = new ModelCheckpoint(options);
    interrupted.callback.onFitStart(interrupted.context);
    const before = await train(interrupted, monitor, scores.slice(0, 3), 0);
    interrupted.callback = new ModelCheckpoint(options);
    interrupted.callback.loadStateDict({ json: lastState(interrupted) });
    interrupted.callback.onFitStart(interrupted.context);
    const after = await train(interrupted, monitor, scores.slice(3), 3);

    expect([...before, ...after]).toEqual(wholeListings);
    expect(await outcome(interrupted)).toEqual(await outcome(whole));
    expect(interrupted.context.warnings()).toEqual([]);
  });

  it('a restart without the state ranks differently (the comparison above can fail)', async () => {
    const { options, monitor, scores } = scenarios[0] ?? { options: {}, monitor: '', scores: [] };
    const whole = await createRun();
    whole.callback = new ModelCheckpoint(options);
    whole.callback.onFitStart(whole.context);
    await train(whole, monitor, scores, 0);

    const restarted = await createRun();
    restarted.callback = new ModelCheckpoint(options);
    restarted.callback.onFitStart(restarted.context);
    await train(restarted, monitor, scores.slice(0, 3), 0);
    restarted.callback = new ModelCheckpoint(options);
    restarted.callback.onFitStart(restarted.context);
    const after = await train(restarted, monitor, scores.slice(3), 3);

    // 2-0.700 from before the restart is no longer ranked, so it is never deleted.
    expect(after.at(-1)).toEqual(['1-0.500', '2-0.700', '3-0.400', '4-0.600', 'best', 'last']);
    expect(await outcome(restarted)).not.toEqual(await outcome(whole));
  });

  it('every checkpoint written at a step carries a state that includes all of them', async () => {
    const run = await createRun();
    run.callback = new ModelCheckpoint({ monitor: 'val/loss', mode: 'min', save_top_k: 2 });
    run.callback.onFitStart(run.context);
    await train(run, 'val/loss', [0.9, 0.5], 0);
    const dir = run.callback.dirpath(run.context);
    const state = JSON.parse(stateAt(join(dir, 'epoch=1-step=200')) ?? 'null') as Record<string, unknown>;
    expect(state).toEqual({
      dirpath: dir,
      ranked: [
        { path: join(dir, 'epoch=1-step=200'), score: 0.5, epoch: 1, step: 200 },
        { path: join(dir, 'epoch=0-step=100'), score: 0.9, epoch: 0, step: 100 },
      ],
      best: { path: join(dir, 'epoch=1-step=200'), score: 0.5, epoch: 1, step: 200 },
      best_model_path: join(dir, 'best'),
      last_model_path: join(dir, 'last'),
      last_saved_step: 200,
    });
    // best and last are that same checkpoint, linked, not saved again.
    expect(JSON.parse(stateAt(join(dir, 'last')) ?? 'null')).toEqual(state);
    expect(JSON.parse(stateAt(join(dir, 'best')) ?? 'null')).toEqual(state);
  });

  it('a fit after the resumed one starts over', async () => {
    const run = await createRun();
    run.callback = new ModelCheckpoint();
    run.callback.onFitStart(run.context);
    await train(run, 'val/acc', [0.5], 0);
    const resumed = new ModelCheckpoint();
    resumed.loadStateDict({ json: lastState(run) });
    resumed.onFitStart(run.context);
    expect(resumed.bestModelScore()).toBe(0.5);
    resumed.onFitStart(run.context);
    expect(resumed.summary()).toEqual({
      best_model_path: null,
      best_model_score: null,
      last_model_path: null,
    });
  });

  it('resumed by a run saving elsewhere, warns and starts over instead of deleting the other run’s files', async () => {
    const first = await createRun();
    first.callback = new ModelCheckpoint();
    first.callback.onFitStart(first.context);
    await train(first, 'val/acc', [0.5], 0);

    const second = await createRun();
    second.callback = new ModelCheckpoint();
    second.callback.loadStateDict({ json: lastState(first) });
    second.callback.onFitStart(second.context);
    expect(second.callback.rankedCheckpoints()).toEqual([]);
    expect(second.context.warnings()).toEqual([
      `model_checkpoint: the checkpoint comes from a run saving to ${join(first.context.runDir, 'checkpoints')}, this one saves to ${join(second.context.runDir, 'checkpoints')}; the ranking starts over`,
    ]);
    await train(second, 'val/acc', [0.9], 1);
    expect((await readdir(first.callback.dirpath(first.context))).sort()).toEqual([
      'best',
      'epoch=0-step=100',
      'last',
    ]);
  });
});

describe('ModelCheckpoint state as JSON', () => {
  it('round-trips through JSON text before any checkpoint, with nulls for what is not there yet', () => {
    const callback = new ModelCheckpoint();
    const json = callback.stateDict().json;
    expect(json).toEqual({
      dirpath: null,
      ranked: [],
      best: null,
      best_model_path: null,
      last_model_path: null,
      last_saved_step: null,
    });
    const restored = new ModelCheckpoint();
    restored.loadStateDict({ json: JSON.parse(JSON.stringify(json)) as JsonValue });
    expect(restored.stateDict().json).toEqual(json);
  });

  const valid = {
    dirpath: '/runs/a/checkpoints',
    ranked: [{ path: '/runs/a/checkpoints/x', score: 0.5, epoch: 1, step: 20 }],
    best: { path: '/runs/a/checkpoints/x', score: 0.5, epoch: 1, step: 20 },
    best_model_path: '/runs/a/checkpoints/best',
    last_model_path: null,
    last_saved_step: 1,
  };

  it('round-trips a state with checkpoints', () => {
    const callback = new ModelCheckpoint();
    callback.loadStateDict({ json: valid });
    expect(callback.stateDict().json).toEqual(valid);
    expect(callback.bestModelPath()).toBe('/runs/a/checkpoints/best');
    expect(callback.rankedCheckpoints()).toEqual(valid.ranked);
  });

  it.each([
    {
      json: undefined,
      message: /model_checkpoint state must be an object with dirpath, ranked, .*got nothing/,
    },
    { json: [], message: /must be an object/ },
    { json: { ...valid, extra: 1 }, message: /model_checkpoint state has unknown extra/ },
    { json: { ...valid, best: undefined }, message: /model_checkpoint state lacks best/ },
    { json: { ...valid, ranked: {} }, message: /state ranked must be a list, got \{\}/ },
    {
      json: { ...valid, ranked: [{ ...valid.best, score: null }] },
      message: /state ranked\[0\]\.score must be a finite number, got null/,
    },
    {
      json: { ...valid, best: { ...valid.best, epoch: -1 } },
      message: /best\.epoch must be a non-negative integer/,
    },
    { json: { ...valid, best: { path: 'x' } }, message: /best lacks score, epoch, step/ },
    { json: { ...valid, last_model_path: 3 }, message: /last_model_path must be a non-empty string, got 3/ },
  ])('rejects $json with CHECKPOINT_INVALID', ({ json, message }) => {
    const callback = new ModelCheckpoint();
    let thrown: unknown;
    try {
      callback.loadStateDict(json === undefined ? {} : { json: json as JsonValue });
    } catch (error) {
      thrown = error;
    }
    expect(isClsError(thrown) && thrown.code).toBe('CHECKPOINT_INVALID');
    expect(String(thrown)).toMatch(message);
  });
});
