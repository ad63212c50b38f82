import '@tensorflow/tfjs-backend-cpu';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isClsError } from '@nextplay/cls-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHostileFiles } from '../../../tools/hostile-files.mjs';
import { loadCheckpointModel, loadResumeState, loadTrainerState } from '../src/index.js';

// The checkpoint directories of tools/make-hostile-files.mjs (issue #17), loaded in this process as `cls test`,
// `cls predict` and `cls export` load them (trainer state, then model): each is refused with a ClsError naming
// the file and the rule. The CLI suite (cls-cli's hostileFiles.test.ts) runs them in a child process with time
// and memory bounds.

const root = mkdtempSync(join(tmpdir(), 'cls-hostile-checkpoints-'));
const generated = generateHostileFiles(root);
const checkpointCases = generated.cases.filter((c) => c.kind === 'checkpoint');

async function loadAll(dir: string): Promise<void> {
  await loadTrainerState(dir);
  const model = await loadCheckpointModel(dir);
  model.dispose();
}

async function refusal(load: () => Promise<unknown>): Promise<Error> {
  try {
    await load();
  } catch (error) {
    expect(isClsError(error)).toBe(true);
    return error as Error;
  }
  throw new Error('it was loaded');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loading hostile checkpoints', () => {
  it('loads the valid checkpoint the cases are made from', async () => {
    expect((await loadTrainerState(generated.valid)).image_size).toBe(8);
    const model = await loadCheckpointModel(generated.valid);
    expect(model.outputs[0]?.shape).toEqual([null, 3]);
    model.dispose();
  });

  it('reads image_size as [height, width], and refuses a list that is not two sides', async () => {
    const dir = join(root, 'image-size-list');
    cpSync(generated.valid, dir, { recursive: true });
    const statePath = join(dir, 'trainer_state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, unknown>;
    writeFileSync(statePath, JSON.stringify({ ...state, image_size: [40, 24] }));
    expect((await loadTrainerState(dir)).image_size).toEqual([40, 24]);
    for (const bad of [[40], [40, 24, 3], [0, 24], [40, '24']]) {
      writeFileSync(statePath, JSON.stringify({ ...state, image_size: bad }));
      const error = await refusal(() => loadTrainerState(dir));
      expect(error.message).toContain(`image_size ${JSON.stringify(bad)} is not an integer from 1 to`);
    }
  });

  it.each(checkpointCases.map((c) => [c.name, c] as const))('refuses %s', async (_name, hostile) => {
    const error = await refusal(() => loadAll(hostile.path));
    expect(error).toMatchObject({ code: 'CHECKPOINT_INVALID' });
    expect(error.message).toContain(hostile.names);
    expect(error.message).toMatch(new RegExp(hostile.rule));
    expect(error.message).not.toContain('\n');
  });

  it('reads no weights through a manifest path outside the directory, even to a file of the right size', async () => {
    const dir = join(root, 'checkpoints', 'manifest-parent-path');
    const error = await refusal(() => loadCheckpointModel(dir));
    expect(error.message).not.toContain('KEY!');
  });

  it('refuses a resume state whose training_state.bin is not the size its specs declare, before reading it', async () => {
    const dir = join(root, 'resume-size');
    cpSync(generated.valid, dir, { recursive: true });
    const state = JSON.parse(readFileSync(join(dir, 'trainer_state.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    state.resume = {
      format: 1,
      seed: 0,
      epoch: 0,
      batches_done: 0,
      validated: false,
      epoch_totals: { loss_sum: 0, correct: 0, size: 0 },
      epoch_row: {},
      csv_rows: [],
      lr: 0.1,
      train_images: 0,
      train_seconds: 0,
      optimizer: null,
      scheduler: null,
      callbacks: {},
      tensors: [{ name: 'optimizer/m', shape: [1024, 1024], dtype: 'float32' }],
    };
    writeFileSync(join(dir, 'trainer_state.json'), JSON.stringify(state));
    writeFileSync(join(dir, 'training_state.bin'), Buffer.alloc(16));
    const error = await refusal(() => loadResumeState(dir));
    expect(error.message).toBe(
      `checkpoint file ${join(dir, 'training_state.bin')}: 16 bytes, but trainer_state.json declares tensors of 4194304 bytes`,
    );
  });

  it('refuses metric rows that would put escapes, formulas or thousands of columns into metrics.csv', async () => {
    const dir = join(root, 'resume-rows');
    cpSync(generated.valid, dir, { recursive: true });
    const statePath = join(dir, 'trainer_state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, unknown>;
    const withRows = (rows: unknown[]): string =>
      JSON.stringify({
        ...state,
        resume: {
          format: 1,
          epoch: 1,
          batches_done: 0,
          epoch_totals: {},
          epoch_row: {},
          csv_rows: rows,
          callbacks: {},
          tensors: [],
        },
      });
    const wide = Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [`m${i}`, i]));
    for (const rows of [[{ '=cmd|calc': 1 }], [{ '\u001b[31mred': 3 }], [{ 'val/acc': '1' }], [wide]]) {
      writeFileSync(statePath, withRows(rows));
      const error = await refusal(() => loadTrainerState(dir));
      expect(error.message).toMatch(
        /^checkpoint file .*: resume\.csv_rows is not a list of at most 100000 rows/,
      );
    }
    writeFileSync(statePath, withRows([{ epoch: 0, 'val/acc': 0.5, 'val/loss': null, 'número/7': 1 }]));
    await expect(loadTrainerState(dir)).resolves.toMatchObject({ epoch: state.epoch });
  });
});
