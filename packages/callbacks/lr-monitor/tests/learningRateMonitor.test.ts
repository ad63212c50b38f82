import {
  createRecordingTrainerContext,
  runEpochs,
  type RecordingTrainerContext,
} from '@nextplay/cls-testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LearningRateMonitor } from '../src/index.js';

let context: RecordingTrainerContext;

beforeEach(async () => {
  context = await createRecordingTrainerContext();
});

afterEach(() => context.dispose());

/** Two epochs of three steps; a scheduler halves the learning rate at every step. */
function fit(callback: LearningRateMonitor): Promise<number | undefined> {
  return runEpochs(callback, context, [{}, {}], { batches: 3, lrAt: (step) => 0.1 / 2 ** step });
}

describe('LearningRateMonitor', () => {
  it('logs the last step’s rate once per epoch by default', async () => {
    await fit(new LearningRateMonitor());
    expect(context.logged).toEqual([
      { epoch: 0, name: 'lr', value: 0.025 },
      { epoch: 1, name: 'lr', value: 0.003125 },
    ]);
    expect(context.metrics.lr).toBe(0.003125);
  });

  it('logs after every step with logging_interval step; the epoch keeps its last value', async () => {
    await fit(new LearningRateMonitor({ logging_interval: 'step' }));
    expect(context.logged.map((entry) => [entry.epoch, entry.value])).toEqual([
      [0, 0.1],
      [0, 0.05],
      [0, 0.025],
      [1, 0.0125],
      [1, 0.00625],
      [1, 0.003125],
    ]);
    const lastPerEpoch = new Map(context.logged.map((entry) => [entry.epoch, entry.value]));
    expect([...lastPerEpoch.values()]).toEqual([0.025, 0.003125]);
  });

  it('rejects an unknown logging_interval when created directly', () => {
    expect(() => new LearningRateMonitor({ logging_interval: 'batch' as 'step' })).toThrow(
      'callbacks.lr_monitor.logging_interval must be "epoch" or "step", got "batch"',
    );
  });
});
