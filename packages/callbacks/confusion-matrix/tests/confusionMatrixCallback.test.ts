import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SplitPredictions } from '@nextplay/cls-core';
import {
  createRecordingTrainerContext,
  runEpochs,
  type RecordingTrainerContext,
} from '@nextplay/cls-testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfusionMatrixCallback, confusionMatrixChart, confusionCounts } from '../src/index.js';

const CLASSES = ['cat', 'dog', 'bird, small'];
/** Ten val images: 3 cats, 3 dogs, 4 birds. */
const TARGETS = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2];
/** Epoch 0 gets 6 of 10 right, epoch 1 gets 9, epoch 2 gets 7. */
const PREDICTED = [
  [0, 1, 1, 1, 1, 0, 2, 2, 2, 0],
  [0, 0, 0, 1, 1, 1, 2, 2, 2, 0],
  [0, 0, 1, 1, 1, 0, 2, 2, 2, 2],
];

function predictionsAt(epoch: number): SplitPredictions {
  const predicted = PREDICTED[epoch % PREDICTED.length]!;
  return {
    split: 'val',
    epoch,
    predicted: Int32Array.from(predicted),
    targets: Int32Array.from(TARGETS),
    confidence: Float32Array.from(predicted.map(() => 0.8)),
  };
}

function valAcc(epoch: number): number {
  const predicted = PREDICTED[epoch % PREDICTED.length]!;
  return predicted.filter((p, i) => p === TARGETS[i]).length / TARGETS.length;
}

let context: RecordingTrainerContext;

beforeEach(async () => {
  context = await createRecordingTrainerContext({ classes: CLASSES });
});

afterEach(() => context.dispose());

async function fit(
  callback: ConfusionMatrixCallback,
  epochs: number[],
  options: { validates?: (epoch: number) => boolean } = {},
): Promise<void> {
  callback.onFitStart(context);
  const validates = options.validates ?? (() => true);
  await runEpochs(
    callback,
    context,
    epochs.map((epoch) =>
      validates(epoch) ? { 'val/acc': valAcc(epoch), 'val/loss': 1 - valAcc(epoch) } : {},
    ),
    { firstEpoch: epochs[0] ?? 0, batches: 1, predictionsAt },
  );
  await callback.onFitEnd();
}

async function readCsv(epoch: number): Promise<string[][]> {
  const text = await readFile(
    join(context.runDir, 'confusion_matrix', `epoch_${String(epoch).padStart(3, '0')}.csv`),
    'utf8',
  );
  return text
    .trimEnd()
    .split('\n')
    .map((line) => line.match(/("[^"]*"|[^,]+)/g) ?? []);
}

describe('ConfusionMatrixCallback', () => {
  it('writes each validated epoch’s counts in class order; they sum to the val size, their trace to val/acc', async () => {
    await fit(new ConfusionMatrixCallback(), [0, 1, 2]);
    const epoch0 = await readCsv(0);
    expect(epoch0).toEqual([
      ['true\\predicted', 'cat', 'dog', '"bird, small"'],
      ['cat', '1', '2', '0'],
      ['dog', '1', '2', '0'],
      ['"bird, small"', '1', '0', '3'],
    ]);
    for (const epoch of [0, 1, 2]) {
      const counts = (await readCsv(epoch)).slice(1).map((row) => row.slice(1).map(Number));
      const total = counts.flat().reduce((a, b) => a + b, 0);
      const trace = counts.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
      expect(total).toBe(TARGETS.length);
      expect(trace / total).toBe(valAcc(epoch));
    }
    expect((await readdir(join(context.runDir, 'plots', 'confusion_matrix'))).sort()).toEqual([
      'epoch_000.png',
      'epoch_000.svg',
      'epoch_001.png',
      'epoch_001.svg',
      'epoch_002.png',
      'epoch_002.svg',
    ]);
  });

  it('keeps the best epoch’s plot as plots/confusion_matrix by the monitor, max or min', async () => {
    const callback = new ConfusionMatrixCallback();
    await fit(callback, [0, 1, 2]);
    expect(callback.best).toEqual({ epoch: 1, score: 0.9 });
    const plots = join(context.runDir, 'plots');
    expect(await readFile(join(plots, 'confusion_matrix.svg'), 'utf8')).toBe(
      await readFile(join(plots, 'confusion_matrix', 'epoch_001.svg'), 'utf8'),
    );
    expect(await readFile(join(plots, 'confusion_matrix.svg'), 'utf8')).toContain('epoch 1: 10 images');
    expect((await stat(join(plots, 'confusion_matrix.png'))).size).toBe(
      (await stat(join(plots, 'confusion_matrix', 'epoch_001.png'))).size,
    );

    const byLoss = new ConfusionMatrixCallback({ monitor: 'val/loss', mode: 'min' });
    await fit(byLoss, [0, 1, 2]);
    expect(byLoss.best?.epoch).toBe(1);
  });

  it('writes nothing for an epoch that does not validate', async () => {
    await fit(new ConfusionMatrixCallback(), [0, 1, 2], { validates: (epoch) => epoch !== 1 });
    expect((await readdir(join(context.runDir, 'confusion_matrix'))).sort()).toEqual([
      'epoch_000.csv',
      'epoch_002.csv',
    ]);
  });

  it('resumes with its best epoch: no epoch missing or duplicated, the best plot stays the best', async () => {
    const first = new ConfusionMatrixCallback();
    await fit(first, [0, 1]);
    const state = first.stateDict();
    expect(state.json).toEqual({ best_epoch: 1, best_score: 0.9 });
    // The interrupted run's checkpoint was written after epoch 1's validation: the resumed run starts with
    // epoch 1's end (no validation hook; its metrics restored), then trains epoch 2, which is worse.
    const resumed = new ConfusionMatrixCallback();
    resumed.loadStateDict(state);
    resumed.onFitStart(context);
    context.metrics = { 'val/acc': valAcc(1) };
    context.epoch = 1;
    await resumed.onTrainEpochEnd(context);
    await runEpochs(resumed, context, [{ 'val/acc': valAcc(2) }], {
      firstEpoch: 2,
      batches: 1,
      predictionsAt,
    });
    await resumed.onFitEnd();
    expect(resumed.best).toEqual({ epoch: 1, score: 0.9 });
    expect(await readdir(join(context.runDir, 'confusion_matrix'))).toEqual([
      'epoch_000.csv',
      'epoch_001.csv',
      'epoch_002.csv',
    ]);
    const plots = join(context.runDir, 'plots');
    expect(await readFile(join(plots, 'confusion_matrix.svg'), 'utf8')).toBe(
      await readFile(join(plots, 'confusion_matrix', 'epoch_001.svg'), 'utf8'),
    );
  });

  it('redraws a resumed best epoch whose plot the interruption lost, from its CSV', async () => {
    const first = new ConfusionMatrixCallback({ plots: false });
    await fit(first, [0]);
    expect(await readdir(context.runDir)).not.toContain('plots');
    const resumed = new ConfusionMatrixCallback();
    resumed.onFitStart(context);
    context.metrics = { 'val/acc': valAcc(0) };
    await resumed.onTrainEpochEnd(context);
    await resumed.onFitEnd();
    expect(await readFile(join(context.runDir, 'plots', 'confusion_matrix.svg'), 'utf8')).toContain(
      'epoch 0: 10 images',
    );
  });

  it('reports a plot that cannot be written at its next hook, naming the chart; the CSVs go on', async () => {
    const callback = new ConfusionMatrixCallback();
    expect(callback.failure).toBe('warn');
    await writeFile(join(context.runDir, 'plots'), 'a file where the plots folder goes');
    callback.onFitStart(context);
    await runEpochs(callback, context, [{ 'val/acc': valAcc(0) }], { batches: 1, predictionsAt });
    await expect(callback.onFitEnd()).rejects.toThrow(
      /^chart .*plots\/confusion_matrix\/epoch_000 could not be written/,
    );
    await mkdir(join(context.runDir, 'confusion_matrix'), { recursive: true });
    expect(await readdir(join(context.runDir, 'confusion_matrix'))).toEqual(['epoch_000.csv']);
  });

  it('warns once and plots the latest epoch when the monitor is not logged', async () => {
    const callback = new ConfusionMatrixCallback({ monitor: 'val_ckpt/acc', plots: false });
    await fit(callback, [0, 1, 2]);
    expect(callback.best?.epoch).toBe(2);
    expect(context.warnings()).toEqual([
      'confusion_matrix: monitor "val_ckpt/acc" was not logged (available: val/acc, val/loss); plots/confusion_matrix shows the latest epoch',
    ]);
  });
});

describe('confusionMatrixChart', () => {
  it('stays readable at 100 classes: the matrix fits, counts give way to the most-confused list', () => {
    const classes = Array.from({ length: 100 }, (_, i) => String(i));
    const targets = Array.from({ length: 1000 }, (_, i) => i % 100);
    const predicted = targets.map((t, i) => (i % 7 === 0 ? (t + 1) % 100 : t));
    const matrix = confusionCounts(
      {
        split: 'val',
        epoch: 3,
        predicted: Int32Array.from(predicted),
        targets: Int32Array.from(targets),
        confidence: new Float32Array(1000),
      },
      classes,
    );
    const spec = confusionMatrixChart(matrix, { epoch: 3, topPairs: 5 }) as unknown as {
      hconcat: { width: number; layer?: unknown[]; data: { values: { line?: string }[] } }[];
    };
    const [heatmap, list] = spec.hconcat;
    expect(heatmap?.width).toBe(800);
    expect(heatmap?.layer).toHaveLength(1); // 8 px cells: no counts
    expect(list?.data.values).toHaveLength(5);
    expect(list?.data.values[0]?.line).toBe('0 → 1: 2 (20.0% of 0)');

    const small = confusionMatrixChart(confusionCounts(predictionsAt(0), CLASSES), { epoch: 0, topPairs: 3 });
    expect((small as unknown as { hconcat: { layer?: unknown[] }[] }).hconcat[0]?.layer).toHaveLength(2);
  });
});
