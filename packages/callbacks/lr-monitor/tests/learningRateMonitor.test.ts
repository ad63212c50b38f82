import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LearningRateMonitor } from '../src/index.js';
import { RecordingTrainerContext } from './recordingTrainerContext.js';

let runDir: string;
let context: RecordingTrainerContext;

beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), 'cls-lr-monitor-'));
  context = new RecordingTrainerContext(runDir);
});

afterEach(async () => {
  await rm(runDir, { recursive: true, force: true });
});

/** Two epochs of three steps; a scheduler halves the learning rate at every step. */
function fit(callback: LearningRateMonitor): void {
  for (let epoch = 0; epoch < 2; epoch++) {
    context.epoch = epoch;
    for (let index = 0; index < 3; index++) {
      context.lr = 0.1 / 2 ** context.globalStep;
      context.globalStep += 1;
      callback.onTrainBatchEnd(context);
    }
    callback.onTrainEpochEnd(context);
  }
}

describe('LearningRateMonitor', () => {
  it('logs the last step’s rate once per epoch by default', () => {
    fit(new LearningRateMonitor());
    expect(context.logged).toEqual([
      { epoch: 0, name: 'lr', value: 0.025 },
      { epoch: 1, name: 'lr', value: 0.003125 },
    ]);
    expect(context.metrics.lr).toBe(0.003125);
  });

  it('logs after every step with logging_interval step; the epoch keeps its last value', () => {
    fit(new LearningRateMonitor({ logging_interval: 'step' }));
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
