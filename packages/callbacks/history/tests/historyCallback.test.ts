import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createRecordingTrainerContext,
  runEpochs,
  type RecordingTrainerContext,
} from '@nextplay/cls-testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryCallback } from '../src/index.js';

let context: RecordingTrainerContext;

beforeEach(async () => {
  context = await createRecordingTrainerContext();
});

afterEach(() => context.dispose());

const EPOCHS = [
  { 'train/loss': 1.2, 'train/acc': 0.4, 'val/loss': 1.0, 'val/acc': 0.5, lr: 0.01 },
  { 'train/loss': 0.8, 'train/acc': 0.6, 'val/loss': 0.7, 'val/acc': 0.7, 'val_ema/acc': 0.72, lr: 0.005 },
  { 'train/loss': 0.5, 'train/acc': 0.8, 'val/loss': 0.6, 'val/acc': 0.75, 'val_ema/acc': 0.8, lr: 0.001 },
];

function plotPath(extension: string): string {
  return join(context.runDir, 'plots', `history.${extension}`);
}

describe('HistoryCallback', () => {
  it('redraws plots/history with every epoch’s loss, accuracy, EMA accuracy and learning rate', async () => {
    const callback = new HistoryCallback();
    callback.onFitStart(context);
    await runEpochs(callback, context, EPOCHS.slice(0, 1), { batches: 1 });
    await callback.onFitEnd();
    const first = await readFile(plotPath('svg'), 'utf8');
    expect(first).toContain('Training history (1 epoch)');
    expect(first).not.toContain('val_ema/acc');

    await runEpochs(callback, context, EPOCHS.slice(1), { firstEpoch: 1, batches: 1 });
    await callback.onFitEnd();
    const svg = await readFile(plotPath('svg'), 'utf8');
    expect(svg).toContain('Training history (3 epochs)');
    for (const text of ['train/loss', 'val/loss', 'val/acc', 'val_ema/acc', 'learning rate', 'accuracy']) {
      expect(svg).toContain(`>${text}</text>`);
    }
    expect((await stat(plotPath('png'))).size).toBeGreaterThan(1000);
    expect(callback.history.entries().map(([epoch, metrics]) => [epoch, metrics['val/acc']])).toEqual([
      [0, 0.5],
      [1, 0.7],
      [2, 0.75],
    ]);
  });

  it('resumes from its state: an epoch repeated after an interruption is replaced, none is lost', async () => {
    const first = new HistoryCallback();
    first.onFitStart(context);
    await runEpochs(first, context, EPOCHS.slice(0, 2), { batches: 1 });
    await first.onFitEnd();
    // The checkpoint was written during epoch 1, before its end: it holds epoch 0 only, so epoch 1 runs again.
    const resumedState = new HistoryCallback();
    resumedState.loadStateDict({ json: [{ epoch: 0, ...EPOCHS[0] }] });
    resumedState.onFitStart(context);
    await runEpochs(resumedState, context, EPOCHS.slice(1), { firstEpoch: 1, batches: 1 });
    await resumedState.onFitEnd();
    expect(resumedState.history.entries().map(([epoch]) => epoch)).toEqual([0, 1, 2]);
    expect(resumedState.stateDict().json).toEqual(EPOCHS.map((metrics, epoch) => ({ epoch, ...metrics })));
    expect(await readFile(plotPath('svg'), 'utf8')).toContain('Training history (3 epochs)');
  });

  it('takes the learning rate from the trainer when lr_monitor does not log it', async () => {
    const callback = new HistoryCallback();
    callback.onFitStart(context);
    await runEpochs(callback, context, [{ 'train/loss': 1 }], {
      batches: 2,
      lrAt: (step) => 0.1 / (step + 1),
    });
    await callback.onFitEnd();
    expect(callback.history.entries()[0]?.[1].lr).toBe(0.05);
  });

  it('plots a log-scale loss without the non-positive values a log scale cannot show', async () => {
    const callback = new HistoryCallback({ loss_scale: 'log' });
    callback.onFitStart(context);
    await runEpochs(callback, context, [{ 'train/loss': 0 }, { 'train/loss': 0.1 }], { batches: 1 });
    await callback.onFitEnd();
    expect(await readFile(plotPath('svg'), 'utf8')).toContain('Training history (2 epochs)');
  });
});
