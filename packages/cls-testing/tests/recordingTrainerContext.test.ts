import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createRecordingTrainerContext,
  readRecordedCheckpoint,
  RecordingTrainerContext,
} from '../src/index.js';

describe('createRecordingTrainerContext', () => {
  it('makes a temporary run directory that dispose() removes', async () => {
    const context = await createRecordingTrainerContext({ maxEpochs: 3, stepsPerEpoch: 7, lr: 0.1 });
    expect((await stat(context.runDir)).isDirectory()).toBe(true);
    expect([context.maxEpochs, context.stepsPerEpoch, context.batchesInLoop, context.lr]).toEqual([
      3, 7, 7, 0.1,
    ]);
    await context.dispose();
    await expect(stat(context.runDir)).rejects.toThrow(/ENOENT/);
  });

  it('leaves a given run directory in place', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'cls-testing-given-'));
    try {
      const context = await createRecordingTrainerContext({ runDir, classes: ['a', 'b', 'c'] });
      expect(context.classes).toEqual(['a', 'b', 'c']);
      expect(context.data.classes).toEqual(['a', 'b', 'c']);
      expect(context.data.train.classCounts).toEqual([0, 0, 0]);
      expect([context.data.val, context.validationPredictions, context.testPredictions]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      await context.dispose();
      expect((await stat(runDir)).isDirectory()).toBe(true);
    } finally {
      await rm(runDir, { recursive: true, force: true });
    }
  });
});

describe('RecordingTrainerContext', () => {
  it('shows the data it is given, class names included', () => {
    const files = [
      { path: '/d/val/b/1.png', label: 1 },
      { path: '/d/val/a/2.png', label: 0 },
    ];
    const context = new RecordingTrainerContext({
      runDir: '/nonexistent',
      classes: ['ignored'],
      data: {
        classes: ['a', 'b'],
        imageSize: [64, 64],
        channels: 3,
        train: { name: 'train', size: 10, classCounts: [4, 6] },
        val: { name: 'val', size: 2, classCounts: [1, 1], files },
        test: undefined,
      },
    });
    expect(context.classes).toEqual(['a', 'b']);
    expect(context.data.val?.files).toBe(files);
  });

  it('records logged metrics per epoch, logger messages and stop requests', () => {
    const context = new RecordingTrainerContext({ runDir: '/nonexistent' });
    context.log('lr', 0.1);
    context.epoch = 1;
    context.log('lr', 0.05);
    context.logger.warn('careful', 2);
    context.logger.info('fine');
    expect(context.metrics).toEqual({ lr: 0.05 });
    expect(context.logged).toEqual([
      { epoch: 0, name: 'lr', value: 0.1 },
      { epoch: 1, name: 'lr', value: 0.05 },
    ]);
    expect(context.warnings()).toEqual(['careful 2']);
    expect(context.messages.map((m) => m.type)).toEqual(['warn', 'info']);

    expect(context.stopRequested).toBe(false);
    context.requestStop('enough');
    expect(context.stopRequested).toBe(true);
    expect(context.stopReasons).toEqual(['enough']);
  });

  it('saves a checkpoint by replacing its directory with the current state', async () => {
    const context = await createRecordingTrainerContext();
    try {
      const path = join(context.runDir, 'checkpoints', 'last');
      context.metrics = { 'val/acc': 0.5 };
      await context.saveCheckpoint(path);
      context.epoch = 2;
      context.globalStep = 300;
      context.metrics = { 'val/acc': 0.75 };
      await context.saveCheckpoint(path);

      expect(await readRecordedCheckpoint(path)).toEqual({
        epoch: 2,
        global_step: 300,
        metrics: { 'val/acc': 0.75 },
      });
      expect(context.saved).toEqual([path, path]);
      expect(await readdir(join(context.runDir, 'checkpoints'))).toEqual(['last']);
    } finally {
      await context.dispose();
    }
  });

  it('says so when a callback reads a model that was not given', () => {
    const context = new RecordingTrainerContext({ runDir: '/nonexistent' });
    expect(() => context.model).toThrow('RecordingTrainerContext has no model: pass { model }');
  });
});
