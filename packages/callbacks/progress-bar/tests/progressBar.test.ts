import { createRecordingTrainerContext, type RecordingTrainerContext } from '@nextplay/cls-testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlainProgressRenderer, ProgressBar, type ProgressBarOptions } from '../src/index.js';
import { CapturedStream } from './capturedStream.js';

let context: RecordingTrainerContext;
let clock: number;

beforeEach(async () => {
  context = await createRecordingTrainerContext({ maxEpochs: 2 });
  clock = 0;
});

afterEach(() => context.dispose());

function create(options: ProgressBarOptions, isTTY: boolean) {
  const stream = new CapturedStream(isTTY);
  return { bar: new ProgressBar(options, { stream, now: () => clock }), stream };
}

/** A training epoch of 8-image batches, one every 0.5 s (16 img/s), loss = 2 / batches done. */
function trainEpoch(bar: ProgressBar, epoch: number, batches = 20, total = batches): void {
  context.stage = 'fit';
  context.epoch = epoch;
  context.batchesInLoop = total;
  bar.onTrainEpochStart(context);
  for (let index = 0; index < batches; index++) {
    clock += 500;
    context.globalStep += 1;
    bar.onTrainBatchEnd(context, { index, loss: 2 / (index + 1), size: 8 });
  }
  bar.onTrainEpochEnd();
}

function validate(bar: ProgressBar, metrics: Record<string, number>, batches = 5): void {
  context.batchesInLoop = batches;
  bar.onValidationStart(context);
  for (let index = 0; index < batches; index++) bar.onValidationBatchEnd(context, index);
  context.metrics = { ...context.metrics, ...metrics };
  bar.onValidationEnd(context);
}

function test(bar: ProgressBar, metrics: Record<string, number>, batches = 4): void {
  context.stage = 'test';
  context.batchesInLoop = batches;
  bar.onTestStart(context);
  for (let index = 0; index < batches; index++) bar.onTestBatchEnd(context, index);
  context.metrics = { ...context.metrics, ...metrics };
  bar.onTestEnd(context);
}

const ESCAPE = '\x1b';

describe('ProgressBar without a terminal', () => {
  it('prints a plain line every 10 % of an epoch, a validation line and test progress, without escape codes', () => {
    const { bar, stream } = create({}, false);
    trainEpoch(bar, 0);
    validate(bar, { 'val/loss': 0.0543, 'val/acc': 0.9812, 'train/loss': 0.2 });
    test(bar, { 'test/acc': 0.985, 'test/loss': 0.05 });

    expect(stream.text).not.toContain(ESCAPE);
    expect(stream.lines()).toEqual([
      'Epoch 1/2 2/20 (10%) loss=1 lr=1.0e-3 16.0 img/s',
      'Epoch 1/2 4/20 (20%) loss=0.5 lr=1.0e-3 16.0 img/s',
      'Epoch 1/2 6/20 (30%) loss=0.333 lr=1.0e-3 16.0 img/s',
      'Epoch 1/2 8/20 (40%) loss=0.25 lr=1.0e-3 16.0 img/s',
      'Epoch 1/2 10/20 (50%) loss=0.2 lr=1.0e-3 16.0 img/s',
      'Epoch 1/2 12/20 (60%) loss=0.167 lr=1.0e-3 16.0 img/s',
      'Epoch 1/2 14/20 (70%) loss=0.143 lr=1.0e-3 16.0 img/s',
      'Epoch 1/2 16/20 (80%) loss=0.125 lr=1.0e-3 16.0 img/s',
      'Epoch 1/2 18/20 (90%) loss=0.111 lr=1.0e-3 16.0 img/s',
      'Epoch 1/2 20/20 (100%) loss=0.1 lr=1.0e-3 16.0 img/s',
      'Epoch 1/2 validation: val/acc=0.9812 val/loss=0.0543',
      'Testing 1/4 (25%)',
      'Testing 2/4 (50%)',
      'Testing 3/4 (75%)',
      'Testing 4/4 (100%)',
      'Test: test/acc=0.985 test/loss=0.05',
    ]);
  });

  it('reports only every refresh_rate batches', () => {
    const { bar, stream } = create({ refresh_rate: 5 }, false);
    trainEpoch(bar, 1);
    expect(stream.lines().map((line) => line.split(' loss')[0])).toEqual([
      'Epoch 2/2 5/20 (25%)',
      'Epoch 2/2 10/20 (50%)',
      'Epoch 2/2 15/20 (75%)',
      'Epoch 2/2 20/20 (100%)',
    ]);
  });

  it('prints where an epoch ended when it ends early', () => {
    const { bar, stream } = create({}, false);
    trainEpoch(bar, 0, 7, 20);
    expect(stream.lines().map((line) => line.split(' loss')[0])).toEqual([
      'Epoch 1/2 2/20 (10%)',
      'Epoch 1/2 4/20 (20%)',
      'Epoch 1/2 6/20 (30%)',
      'Epoch 1/2 7/20 (35%)',
    ]);
  });

  it('names standalone validation and reports missing metrics', () => {
    const { bar, stream } = create({}, false);
    context.stage = 'validate';
    validate(bar, { 'val/acc': 0.5 });
    test(bar, {});
    expect(stream.lines().filter((line) => !line.startsWith('Testing '))).toEqual([
      'Validation: val/acc=0.5',
      'Test: no test/ metrics',
    ]);
  });

  it('refresh_rate 0 prints nothing', () => {
    const { bar, stream } = create({ refresh_rate: 0 }, false);
    trainEpoch(bar, 0);
    validate(bar, { 'val/acc': 0.9 });
    test(bar, { 'test/acc': 0.9 });
    expect(bar.enabled).toBe(false);
    expect(stream.text).toBe('');
  });

  it('a bar of unknown length prints every 50 items', () => {
    const stream = new CapturedStream(false);
    const renderer = new PlainProgressRenderer(stream);
    renderer.start('Testing', 0, false);
    for (let done = 1; done <= 120; done++) renderer.update(done, '');
    renderer.stop();
    expect(stream.lines()).toEqual(['Testing 50', 'Testing 100', 'Testing 120']);
  });
});

describe('ProgressBar on a terminal', () => {
  it('redraws a cli-progress bar per epoch and leaves it', () => {
    const { bar, stream } = create({}, true);
    trainEpoch(bar, 0);
    const epochOutput = stream.text;
    validate(bar, { 'val/acc': 0.9812, 'val/loss': 0.0543 });

    expect(epochOutput).toContain(ESCAPE);
    expect(epochOutput).toContain(`Epoch 1/2 |${'█'.repeat(30)}| 20/20 loss=0.1 lr=1.0e-3 16.0 img/s`);
    expect(epochOutput).toContain(`Epoch 1/2 |${'░'.repeat(30)}| 0/20`);
    expect(epochOutput).not.toContain(`${ESCAPE}[2K`);
    expect(stream.text.endsWith('Epoch 1/2 validation: val/acc=0.9812 val/loss=0.0543\n')).toBe(true);
  });

  it('clears the finished bar with leave false', () => {
    const { bar, stream } = create({ leave: false }, true);
    trainEpoch(bar, 0);
    expect(stream.text).toContain(`${ESCAPE}[2K`);
  });

  it('ends a running bar when training fails', () => {
    const { bar, stream } = create({}, true);
    context.batchesInLoop = 10;
    bar.onTrainEpochStart(context);
    bar.onTrainBatchEnd(context, { index: 0, loss: 1, size: 8 });
    bar.onException();
    const written = stream.text.length;
    bar.onFitEnd();
    expect(stream.text.length).toBe(written);
    expect(stream.text).toContain('1/10');
  });

  it('rejects a negative refresh_rate when created directly', () => {
    expect(() => create({ refresh_rate: -1 }, true)).toThrow(/refresh_rate must be an integer >= 0/);
  });
});
