import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createRecordingTrainerContext,
  runEpochs,
  type RecordingTrainerContext,
} from '@nextplay/cls-testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReportCallback } from '../src/index.js';
import { writeSyntheticRun } from './syntheticRun.js';

let context: RecordingTrainerContext;

beforeEach(async () => {
  context = await createRecordingTrainerContext({ maxEpochs: 4 });
});

afterEach(async () => {
  await context.dispose();
});

const report = () => readFile(join(context.runDir, 'report.html'), 'utf8');
const EPOCHS = [
  { 'train/loss': 1.2, 'val/loss': 1.1, 'val/acc': 0.5 },
  { 'train/loss': 0.8, 'val/loss': 0.9, 'val/acc': 0.625 },
];

describe('ReportCallback', () => {
  it('rebuilds report.html at each epoch end with the latest metrics, even in a bare run directory', async () => {
    const callback = new ReportCallback();
    await runEpochs(callback, context, EPOCHS.slice(0, 1), { batches: 1 });
    let page = await report();
    expect(page).toContain('<h2>Latest metrics</h2>');
    expect(page).toContain('training: epoch 1 of 4 done');
    expect(page).toContain('<td>val/acc</td><td class="num" title="0.5">0.5</td>');
    await runEpochs(callback, context, EPOCHS.slice(1), { firstEpoch: 1, batches: 1 });
    page = await report();
    expect(page).toContain('training: epoch 2 of 4 done');
    expect(page).toContain('<td>val/acc</td><td class="num" title="0.625">0.625</td>');
    // No test split: no test follows, so fit end is the last rebuild.
    await callback.onFitEnd(context);
    expect(await report()).toContain('<td>status</td><td>finished</td>');
  });

  it('rebuilds every n-th epoch only, and always at fit end', async () => {
    const callback = new ReportCallback({ every_n_epochs: 2 });
    await runEpochs(callback, context, EPOCHS.slice(0, 1), { batches: 1 });
    await expect(stat(join(context.runDir, 'report.html'))).rejects.toThrow('ENOENT');
    await runEpochs(callback, context, EPOCHS.slice(1), { firstEpoch: 1, batches: 1 });
    expect(await report()).toContain('training: epoch 2 of 4 done');
    context.interrupted = true;
    await callback.onFitEnd(context);
    expect(await report()).toContain('interrupted in epoch 2 of 4; resume with ckpt_path=last');
  });

  it('shows the test metrics at run end, from the trainer when results.json is missing', async () => {
    await context.dispose();
    context = await createRecordingTrainerContext({
      maxEpochs: 2,
      data: {
        classes: ['cat', 'dog'],
        imageSize: [32, 32],
        channels: 3,
        train: { name: 'train', size: 8, classCounts: [4, 4] },
        val: { name: 'val', size: 4, classCounts: [2, 2] },
        test: { name: 'test', size: 4, classCounts: [2, 2] },
      },
    });
    await writeSyntheticRun(context.runDir, { results: false });
    const callback = new ReportCallback();
    await runEpochs(callback, context, EPOCHS, { batches: 1 });
    await callback.onFitEnd(context);
    expect(await report()).toContain('fit finished, testing');
    context.stage = 'test';
    context.metrics = { ...context.metrics, 'test/acc': 0.71875, 'test/loss': 0.75 };
    await callback.onRunEnd(context);
    const page = await report();
    expect(page).toContain('<h2>Final metrics</h2>');
    expect(page).toContain('From the trainer, at the end of the test.');
    expect(page).toContain('<td>test/acc</td><td class="num" title="0.71875">0.7188</td>');
    expect(page).toContain('<section id="history">');
    expect(page).toContain('<section id="report-gradcam">');
  });
});
