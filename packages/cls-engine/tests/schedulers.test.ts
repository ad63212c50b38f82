import { describe, expect, it } from 'vitest';
import type { LrScheduler, SchedulerContext } from '@nextplay/cls-core';
import {
  ConstantScheduler,
  CosineScheduler,
  constantPlugin,
  multistepPlugin,
  stepPlugin,
} from '../src/index.js';

const context: SchedulerContext = { baseLr: 0.1, stepsPerEpoch: 10, maxEpochs: 10, totalSteps: 100 };

describe('schedulers', () => {
  it('cosine warms up linearly, then anneals to min_lr at the last step', () => {
    const scheduler = new CosineScheduler(
      { warmup_epochs: 1.5, warmup_start_factor: 0.1, min_lr: 0.001 },
      context,
    );
    expect(scheduler.lrAt(0)).toBeCloseTo(0.01, 10);
    expect(scheduler.lrAt(5)).toBeCloseTo(0.1 * (0.1 + 0.9 * (5 / 15)), 10);
    expect(scheduler.lrAt(15)).toBeCloseTo(0.1, 10);
    const halfway = 15 + 85 / 2;
    expect(scheduler.lrAt(halfway)).toBeCloseTo(0.001 + (0.1 - 0.001) * 0.5, 10);
    expect(scheduler.lrAt(100)).toBeCloseTo(0.001, 10);
    expect(scheduler.lrAt(150)).toBeCloseTo(0.001, 10);
    for (let step = 16; step < 100; step++)
      expect(scheduler.lrAt(step)).toBeLessThan(scheduler.lrAt(step - 1));
  });

  it('cosine without warm-up starts at the base lr', () => {
    const scheduler = new CosineScheduler({ warmup_epochs: 0, warmup_start_factor: 0.1, min_lr: 0 }, context);
    expect(scheduler.lrAt(0)).toBe(0.1);
    expect(scheduler.lrAt(50)).toBeCloseTo(0.05, 10);
  });

  it('constant keeps the base lr', () => {
    const scheduler: LrScheduler = new ConstantScheduler(0.3);
    expect(scheduler.lrAt(1234)).toBe(0.3);
  });

  it('step and multistep decay by gamma at epoch boundaries', async () => {
    const step = await stepPlugin.create({ name: 'step', step_size: 3, gamma: 0.5 }, context);
    expect([0, 29, 30, 59, 60].map((s) => step.lrAt(s))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    const multistep = await multistepPlugin.create(
      { name: 'multistep', milestones: [2, 5], gamma: 0.1 },
      context,
    );
    expect(multistep.lrAt(19)).toBeCloseTo(0.1, 12);
    expect(multistep.lrAt(20)).toBeCloseTo(0.01, 12);
    expect(multistep.lrAt(50)).toBeCloseTo(0.001, 12);
  });
});

describe('linear warm-up on every built-in schedule', () => {
  const warmupContext: SchedulerContext = { baseLr: 1, stepsPerEpoch: 10, maxEpochs: 4, totalSteps: 40 };
  const expectLrs = (scheduler: LrScheduler, steps: number[], lrs: number[]) => {
    steps.forEach((step, i) => {
      expect(scheduler.lrAt(step)).toBeCloseTo(lrs[i]!, 12);
    });
  };

  it('ramps constant, step and multistep from warmup_start_factor to their own value', async () => {
    const warmup = { warmup_epochs: 0.5, warmup_start_factor: 0.2 };
    const constant = await constantPlugin.create({ name: 'constant', ...warmup }, warmupContext);
    expectLrs(constant, [0, 1, 4, 5, 30], [0.2, 0.36, 0.84, 1, 1]);
    const step = await stepPlugin.create(
      { name: 'step', step_size: 1, gamma: 0.5, ...warmup },
      warmupContext,
    );
    expectLrs(step, [0, 5, 10, 20], [0.2, 1, 0.5, 0.25]);
    const multistep = await multistepPlugin.create(
      { name: 'multistep', milestones: [2], gamma: 0.1, ...warmup },
      warmupContext,
    );
    expect(multistep.lrAt(0)).toBeCloseTo(0.2);
    expect(multistep.lrAt(25)).toBeCloseTo(0.1);
  });

  it('leaves a schedule untouched without warm-up', async () => {
    const step = await stepPlugin.create({ name: 'step', step_size: 1, gamma: 0.5 }, warmupContext);
    expectLrs(step, [0, 10], [1, 0.5]);
  });
});
