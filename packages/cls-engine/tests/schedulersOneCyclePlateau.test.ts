import { describe, expect, it } from 'vitest';
import { ClsError, type JsonValue, type LrScheduler, type SchedulerContext } from '@nextplay/cls-core';
import { OneCycleScheduler, oneCyclePlugin, type OneCycleOptions } from '../src/schedulers/oneCycle.js';
import {
  ReduceOnPlateauScheduler,
  reduceOnPlateauPlugin,
  type ReduceOnPlateauOptions,
} from '../src/schedulers/reduceOnPlateau.js';

const contextOf = (baseLr: number, totalSteps: number, stepsPerEpoch = 10): SchedulerContext => ({
  baseLr,
  stepsPerEpoch,
  maxEpochs: Math.ceil(totalSteps / stepsPerEpoch),
  totalSteps,
});

const ONE_CYCLE_DEFAULTS: OneCycleOptions = {
  pct_start: 0.3,
  anneal_strategy: 'cos',
  div_factor: 25,
  final_div_factor: 1e4,
  three_phase: false,
};

const lrsOf = (scheduler: LrScheduler, steps: number) =>
  Array.from({ length: steps }, (_, step) => scheduler.lrAt(step));

const expectCloseAll = (actual: readonly number[], expected: readonly number[], digits = 15) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    expect(value, `index ${String(i)}`).toBeCloseTo(expected[i]!, digits);
  });
};

function expectClsError(run: () => unknown, code: string, message: RegExp | string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ClsError);
  const error = thrown as ClsError;
  expect(error.code).toBe(code);
  expect(error.message).not.toContain('\n');
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

describe('onecycle', () => {
  // max_lr 0.1, div_factor 25 → initial_lr 0.004; final_div_factor 1e4 → min_lr 4e-7.
  it('ramps up over pct_start of the run with cosine annealing, then down to min_lr (hand-computed)', () => {
    const scheduler = new OneCycleScheduler(ONE_CYCLE_DEFAULTS, contextOf(0.1, 100));
    // Phase 1 ends at 0.3·100 − 1 = 29. Step 0: pct 0 → 0.1 + (0.004 − 0.1)/2·(cos 0 + 1) = 0.004.
    expect(scheduler.lrAt(0)).toBeCloseTo(0.004, 15);
    // Step 15: pct 15/29 → 0.1 − 0.048·(cos(15π/29) + 1).
    expect(scheduler.lrAt(15)).toBeCloseTo(0.1 - 0.048 * (Math.cos((15 * Math.PI) / 29) + 1), 15);
    // Step 29: pct 1 → max_lr.
    expect(scheduler.lrAt(29)).toBeCloseTo(0.1, 15);
    // Phase 2 runs from 29 to 99. Step 30: pct 1/70 → 4e-7 + (0.1 − 4e-7)/2·(cos(π/70) + 1).
    expect(scheduler.lrAt(30)).toBeCloseTo(4e-7 + ((0.1 - 4e-7) / 2) * (Math.cos(Math.PI / 70) + 1), 15);
    // Step 64: pct 35/70 = 0.5 → the midpoint (0.1 + 4e-7)/2 = 0.0500002.
    expect(scheduler.lrAt(64)).toBeCloseTo(0.0500002, 15);
    // Step 99 (the last): pct 1 → min_lr; later steps stay there.
    expect(scheduler.lrAt(99)).toBeCloseTo(4e-7, 18);
    expect(scheduler.lrAt(150)).toBeCloseTo(4e-7, 18);
    for (let step = 1; step <= 29; step++)
      expect(scheduler.lrAt(step)).toBeGreaterThan(scheduler.lrAt(step - 1));
    for (let step = 30; step <= 99; step++)
      expect(scheduler.lrAt(step)).toBeLessThan(scheduler.lrAt(step - 1));
  });

  it('matches torch OneCycleLR at chosen steps', () => {
    // torch 1.13: OneCycleLR(SGD(lr=0.1), max_lr=0.1, total_steps=100, cycle_momentum=False),
    // param_groups[0]['lr'] after `step` calls of scheduler.step().
    const torch: Record<number, number> = {
      0: 0.0040000000000000036,
      1: 0.004281378056590748,
      15: 0.05459866761210004,
      28: 0.09971862194340926,
      29: 0.1,
      30: 0.09994965352845243,
      64: 0.0500002,
      98: 5.07464715475788e-5,
      99: 4e-7,
    };
    const scheduler = new OneCycleScheduler(ONE_CYCLE_DEFAULTS, contextOf(0.1, 100));
    for (const [step, lr] of Object.entries(torch)) expect(scheduler.lrAt(Number(step))).toBeCloseTo(lr, 15);
  });

  it('uses torch’s fractional phase boundary float(pct_start·total_steps) − 1', () => {
    const scheduler = new OneCycleScheduler({ ...ONE_CYCLE_DEFAULTS, pct_start: 0.25 }, contextOf(0.1, 10));
    // Phase 1 ends at 0.25·10 − 1 = 1.5, so step 1 is still in it: pct 1/1.5 = 2/3,
    // 0.1 + (0.004 − 0.1)/2·(cos(2π/3) + 1) = 0.1 − 0.048·0.5 = 0.076.
    expect(scheduler.lrAt(1)).toBeCloseTo(0.076, 15);
    // Step 2 anneals from 1.5: pct (2 − 1.5)/(9 − 1.5) = 1/15.
    expect(scheduler.lrAt(2)).toBeCloseTo(4e-7 + ((0.1 - 4e-7) / 2) * (Math.cos(Math.PI / 15) + 1), 15);
    // torch 1.13: OneCycleLR(SGD(lr=0.1), max_lr=0.1, total_steps=10, pct_start=0.25, cycle_momentum=False).
    expectCloseAll(
      lrsOf(scheduler, 10),
      [
        0.0040000000000000036, 0.076, 0.09890738440717015, 0.0904508879153485, 0.0750001, 0.05522660225769002,
        0.03454941208465151, 0.01654380350817838, 0.0043231098269614805, 4e-7,
      ],
    );
  });

  it('three_phase goes back down to initial_lr symmetrically, then to min_lr', () => {
    const scheduler = new OneCycleScheduler(
      { ...ONE_CYCLE_DEFAULTS, pct_start: 0.25, three_phase: true },
      contextOf(0.1, 20),
    );
    // Phase ends: 0.25·20 − 1 = 4, 2·0.25·20 − 2 = 8, 20 − 1 = 19.
    expect(scheduler.lrAt(2)).toBeCloseTo((0.004 + 0.1) / 2, 15); // pct 2/4: cosine midpoint
    expect(scheduler.lrAt(4)).toBeCloseTo(0.1, 15);
    expect(scheduler.lrAt(6)).toBeCloseTo((0.1 + 0.004) / 2, 15); // pct (6 − 4)/(8 − 4)
    expect(scheduler.lrAt(8)).toBeCloseTo(0.004, 15);
    // Step 9: pct 1/11 from 0.004 to 4e-7.
    expect(scheduler.lrAt(9)).toBeCloseTo(4e-7 + ((0.004 - 4e-7) / 2) * (Math.cos(Math.PI / 11) + 1), 15);
    expect(scheduler.lrAt(19)).toBeCloseTo(4e-7, 18);
    // torch 1.13: OneCycleLR(..., max_lr=0.1, total_steps=20, pct_start=0.25, three_phase=True, cycle_momentum=False).
    expectCloseAll(
      lrsOf(scheduler, 20),
      [
        0.0040000000000000036, 0.018058874503045733, 0.052000000000000005, 0.08594112549695429, 0.1,
        0.08594112549695428, 0.052000000000000005, 0.018058874503045722, 0.004, 0.003918994048634272,
        0.003682538814955796, 0.003309790495743781, 0.0028309469430011724, 0.0022848012135789158,
        0.0017155987864210845, 0.0011694530569988277, 0.000690609504256219, 0.0003178611850442036,
        8.140595136572838e-5, 4e-7,
      ],
    );
  });

  it('anneals linearly with anneal_strategy linear', () => {
    const scheduler = new OneCycleScheduler(
      { ...ONE_CYCLE_DEFAULTS, anneal_strategy: 'linear' },
      contextOf(0.1, 10),
    );
    // 0.3·10 = 3.0000000000000004 in float64, so phase 1 ends at 2.0000000000000004 (as in torch).
    // Step 1: 0.004 + 0.096·(1/2) = 0.052; step 2 ≈ 0.1.
    expect(scheduler.lrAt(1)).toBeCloseTo(0.052, 15);
    expect(scheduler.lrAt(2)).toBeCloseTo(0.1, 15);
    // Step 3: pct ≈ 1/7 of the way from 0.1 to 4e-7: 0.1 − (0.1 − 4e-7)/7 = 0.0857143428571...
    expect(scheduler.lrAt(3)).toBeCloseTo(0.1 - (0.1 - 4e-7) / 7, 15);
    // torch 1.13: OneCycleLR(..., max_lr=0.1, total_steps=10, pct_start=0.3, anneal_strategy='linear', cycle_momentum=False).
    expectCloseAll(
      lrsOf(scheduler, 10),
      [
        0.004, 0.052000000000000005, 0.1, 0.08571434285714286, 0.07142868571428572, 0.05714302857142858,
        0.042857371428571434, 0.028571714285714284, 0.014286057142857148, 3.999999999976245e-7,
      ],
    );
  });

  it('linear three_phase with other div factors matches torch', () => {
    const scheduler = new OneCycleScheduler(
      { pct_start: 0.3, anneal_strategy: 'linear', div_factor: 10, final_div_factor: 100, three_phase: true },
      contextOf(0.1, 10),
    );
    // initial_lr 0.1/10 = 0.01, min_lr 0.01/100 = 1e-4.
    // torch 1.13: OneCycleLR(..., max_lr=0.1, total_steps=10, pct_start=0.3, anneal_strategy='linear',
    // three_phase=True, div_factor=10.0, final_div_factor=100.0, cycle_momentum=False).
    expectCloseAll(
      lrsOf(scheduler, 10),
      [
        0.01, 0.05500000000000001, 0.1, 0.055, 0.009999999999999995, 0.00802, 0.006039999999999999, 0.00406,
        0.0020799999999999985, 9.99999999999994e-5,
      ],
    );
  });

  it('handles degenerate runs torch cannot: a one-step ramp and a one-step run', () => {
    // pct_start·total_steps = 1: phase 1 is the single step 0 (torch divides 0 by 0); it ends at max_lr.
    const oneStepRamp = new OneCycleScheduler({ ...ONE_CYCLE_DEFAULTS, pct_start: 0.1 }, contextOf(0.1, 10));
    expect(oneStepRamp.lrAt(0)).toBe(0.1);
    expect(oneStepRamp.lrAt(1)).toBeCloseTo(4e-7 + ((0.1 - 4e-7) / 2) * (Math.cos(Math.PI / 9) + 1), 15);
    // total_steps 1: phase 1 ends at 0.3 − 1 < 0, so step 0 is the end of the anneal: min_lr.
    const oneStep = new OneCycleScheduler(ONE_CYCLE_DEFAULTS, contextOf(0.1, 1));
    expect(oneStep.lrAt(0)).toBeCloseTo(4e-7, 18);
    expect(Number.isFinite(new OneCycleScheduler(ONE_CYCLE_DEFAULTS, contextOf(0.1, 0)).lrAt(0))).toBe(true);
  });

  it('plugin fills missing options with the defaults and composes the linear warm-up', async () => {
    const context = contextOf(0.1, 100);
    const reference = new OneCycleScheduler(ONE_CYCLE_DEFAULTS, context);
    const plain = await oneCyclePlugin.create({ name: 'onecycle' }, context);
    expect(plain.name).toBe('onecycle');
    expectCloseAll(lrsOf(plain, 100), lrsOf(reference, 100), 18);
    // warmup_epochs 1 at 10 steps/epoch: factor 0.2 + 0.8·step/10 for steps < 10, then 1.
    const warm = await oneCyclePlugin.create(
      { name: 'onecycle', warmup_epochs: 1, warmup_start_factor: 0.2 },
      context,
    );
    expect(warm.lrAt(0)).toBeCloseTo(0.004 * 0.2, 15);
    expect(warm.lrAt(5)).toBeCloseTo(reference.lrAt(5) * 0.6, 15);
    expect(warm.lrAt(10)).toBe(reference.lrAt(10));
    expect(warm.lrAt(50)).toBe(reference.lrAt(50));
  });

  it('rejects options users can get wrong with a one-line CONFIG_INVALID naming the key', () => {
    const context = contextOf(0.1, 100);
    for (const pct_start of [0, 1, 1.5, -0.2]) {
      expectClsError(
        () => new OneCycleScheduler({ ...ONE_CYCLE_DEFAULTS, pct_start }, context),
        'CONFIG_INVALID',
        `scheduler onecycle: pct_start must be in (0, 1), got ${String(pct_start)}`,
      );
    }
    expectClsError(
      () => new OneCycleScheduler({ ...ONE_CYCLE_DEFAULTS, div_factor: 0 }, context),
      'CONFIG_INVALID',
      /div_factor/,
    );
    expectClsError(
      () => new OneCycleScheduler({ ...ONE_CYCLE_DEFAULTS, final_div_factor: -1 }, context),
      'CONFIG_INVALID',
      /final_div_factor/,
    );
    expectClsError(
      () => oneCyclePlugin.create({ name: 'onecycle', anneal_strategy: 'exp' }, context),
      'CONFIG_INVALID',
      `scheduler onecycle: anneal_strategy must be 'cos' or 'linear', got "exp"`,
    );
  });
});

const PLATEAU_DEFAULTS: ReduceOnPlateauOptions = {
  monitor: 'val/loss',
  mode: 'min',
  factor: 0.1,
  patience: 10,
  threshold: 1e-4,
  threshold_mode: 'rel',
  cooldown: 0,
  min_lr: 0,
  eps: 1e-8,
  warmup_epochs: 0,
  warmup_start_factor: 0.1,
};

/** Feeds one metric value per epoch and returns the lr after each epoch. */
function lrsAfterEpochs(
  scheduler: ReduceOnPlateauScheduler,
  values: readonly number[],
  monitor = 'val/loss',
  firstEpoch = 0,
): number[] {
  return values.map((value, i) => {
    scheduler.onEpochEnd(firstEpoch + i, { [monitor]: value, 'train/loss': 1 });
    return scheduler.lrAt(1_000_000);
  });
}

describe('reduce_on_plateau', () => {
  const context = contextOf(1, 1000);

  it('keeps the lr while the metric improves', () => {
    const scheduler = new ReduceOnPlateauScheduler({ ...PLATEAU_DEFAULTS, patience: 0 }, context);
    expect(lrsAfterEpochs(scheduler, [5, 4, 3, 2, 1, 0.5])).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('drops by factor after more than patience bad epochs, and ignores bad epochs in cooldown', () => {
    const scheduler = new ReduceOnPlateauScheduler(
      { ...PLATEAU_DEFAULTS, patience: 2, factor: 0.5, cooldown: 2 },
      context,
    );
    // best 5; best 4; 4 ≥ 4·(1 − 1e-4): bad 1, bad 2, bad 3 > patience → lr 0.5, cooldown 2, bad 0;
    // 3.9 better (cooldown 1); bad 1 erased by cooldown (cooldown 0); bad 1, bad 2, bad 3 → lr 0.25, cooldown 2;
    // bad 1 erased by cooldown (cooldown 1).
    // torch 1.13 ReduceLROnPlateau(SGD(lr=1), patience=2, factor=0.5, cooldown=2) gives the same lrs.
    expect(lrsAfterEpochs(scheduler, [5, 4, 4, 4, 4, 3.9, 3.9, 3.9, 3.9, 3.9, 3.9])).toEqual([
      1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25,
    ]);
    // torch's state after these steps: best 3.9, num_bad_epochs 0, cooldown_counter 1.
    expect(scheduler.stateDict()).toEqual({
      best: 3.9,
      num_bad_epochs: 0,
      cooldown_counter: 1,
      lr: 0.25,
      last_epoch: 10,
    });
  });

  it('with the default patience 10 drops on the 11th bad epoch', () => {
    const scheduler = new ReduceOnPlateauScheduler(PLATEAU_DEFAULTS, contextOf(0.01, 1000));
    const lrs = lrsAfterEpochs(scheduler, [1, ...Array<number>(11).fill(1)]);
    expect(lrs.slice(0, 11)).toEqual(Array<number>(11).fill(0.01));
    expect(lrs[11]).toBeCloseTo(0.001, 15);
  });

  it('mode max with threshold_mode abs, clamped at min_lr', () => {
    const scheduler = new ReduceOnPlateauScheduler(
      {
        ...PLATEAU_DEFAULTS,
        mode: 'max',
        threshold_mode: 'abs',
        threshold: 0.05,
        patience: 1,
        factor: 0.1,
        min_lr: 0.05,
      },
      context,
    );
    // Better means > best + 0.05. best 0.5; 0.54 bad 1; 0.559 > 0.55 best; 0.56 bad 1; 0.561 bad 2 → lr 0.1;
    // 0.5615 bad 1; 0.6 ≤ 0.609 bad 2 → max(0.01, min_lr 0.05) = 0.05; then 0.05 − max(0.005, 0.05) = 0: no drop.
    // torch 1.13 ReduceLROnPlateau(SGD(lr=1), mode='max', threshold_mode='abs', threshold=0.05, patience=1,
    // factor=0.1, min_lr=0.05) gives the same lrs and best 0.559, num_bad_epochs 1.
    const lrs = lrsAfterEpochs(scheduler, [0.5, 0.54, 0.559, 0.56, 0.561, 0.5615, 0.6, 0.6, 0.6, 0.6]);
    expectCloseAll(lrs, [1, 1, 1, 1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05]);
    expect(scheduler.stateDict()).toMatchObject({ best: 0.559 });
  });

  it('mode max with threshold_mode rel', () => {
    const scheduler = new ReduceOnPlateauScheduler(
      { ...PLATEAU_DEFAULTS, mode: 'max', threshold_mode: 'rel', threshold: 0.1, patience: 0, factor: 0.5 },
      context,
    );
    // Better means > best·1.1. best 0.5; 0.55 ≤ 0.55 bad → 0.5; 0.56 > 0.55 best; 0.6 ≤ 0.616 → 0.25;
    // 0.65 > 0.616 best; 0.7 ≤ 0.715 → 0.125; then 0.0625, 0.03125.
    // torch 1.13 ReduceLROnPlateau(SGD(lr=1), mode='max', threshold_mode='rel', threshold=0.1, patience=0,
    // factor=0.5) gives the same lrs.
    expect(lrsAfterEpochs(scheduler, [0.5, 0.55, 0.56, 0.6, 0.65, 0.7, 0.7, 0.7])).toEqual([
      1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.0625, 0.03125,
    ]);
  });

  it('mode min with threshold_mode abs', () => {
    const scheduler = new ReduceOnPlateauScheduler(
      { ...PLATEAU_DEFAULTS, threshold_mode: 'abs', threshold: 0.5, patience: 0, factor: 0.5 },
      context,
    );
    // Better means < best − 0.5: best 10; 9.6 bad → 0.5; 9.4 best; 9 bad → 0.25; 8.8 best.
    expect(lrsAfterEpochs(scheduler, [10, 9.6, 9.4, 9, 8.8])).toEqual([1, 0.5, 0.5, 0.25, 0.25]);
  });

  it('skips a drop smaller than eps', () => {
    const scheduler = new ReduceOnPlateauScheduler(
      { ...PLATEAU_DEFAULTS, patience: 0, factor: 0.5, eps: 1e-8 },
      contextOf(1e-8, 1000),
    );
    // 1e-8 − 5e-9 = 5e-9 is not > eps, so the lr stays (torch 1.13 gives the same).
    expect(lrsAfterEpochs(scheduler, [1, 1, 1, 1])).toEqual([1e-8, 1e-8, 1e-8, 1e-8]);
  });

  it('names the missing monitor and the logged metrics, sorted, in one line', () => {
    const scheduler = new ReduceOnPlateauScheduler(PLATEAU_DEFAULTS, context);
    expectClsError(
      () => {
        scheduler.onEpochEnd(0, { 'train/loss': 1, lr: 0.1, 'train/acc': 0.5 });
      },
      'CONFIG_INVALID',
      'scheduler reduce_on_plateau monitors "val/loss", which was not logged (available: lr, train/acc, train/loss)',
    );
    expectClsError(
      () => {
        scheduler.onEpochEnd(0, {});
      },
      'CONFIG_INVALID',
      'scheduler reduce_on_plateau monitors "val/loss", which was not logged (available: none)',
    );
  });

  it('a scheduler restored from stateDict continues exactly like the original', () => {
    const options = {
      ...PLATEAU_DEFAULTS,
      patience: 1,
      factor: 0.5,
      cooldown: 3,
      monitor: 'val/acc',
      mode: 'max' as const,
    };
    const values = [0.1, 0.2, 0.2, 0.2, 0.2, 0.25, 0.25, 0.25, 0.25, 0.3, 0.3, 0.3, 0.3, 0.3];
    for (const split of [0, 4, 6, 10]) {
      const original = new ReduceOnPlateauScheduler(options, context);
      lrsAfterEpochs(original, values.slice(0, split), 'val/acc');
      const saved = JSON.parse(JSON.stringify(original.stateDict())) as JsonValue;
      const restored = new ReduceOnPlateauScheduler(options, context);
      restored.loadStateDict(saved);
      expect(restored.stateDict()).toEqual(original.stateDict());
      const rest = values.slice(split);
      expect(lrsAfterEpochs(restored, rest, 'val/acc', split)).toEqual(
        lrsAfterEpochs(original, rest, 'val/acc', split),
      );
      expect(restored.stateDict()).toEqual(original.stateDict());
    }
  });

  it('saves a best of ±Infinity or NaN as a string and restores it', () => {
    const fresh = new ReduceOnPlateauScheduler(PLATEAU_DEFAULTS, context);
    expect(fresh.stateDict()).toEqual({
      best: 'Infinity',
      num_bad_epochs: 0,
      cooldown_counter: 0,
      lr: 1,
      last_epoch: -1,
    });
    const freshMax = new ReduceOnPlateauScheduler({ ...PLATEAU_DEFAULTS, mode: 'max' }, context);
    expect(freshMax.stateDict()).toMatchObject({ best: '-Infinity' });
    const restored = new ReduceOnPlateauScheduler({ ...PLATEAU_DEFAULTS, patience: 0 }, context);
    restored.loadStateDict({
      best: 'Infinity',
      num_bad_epochs: 0,
      cooldown_counter: 0,
      lr: 1,
      last_epoch: -1,
    });
    // Any finite value improves on +Infinity, so there is no drop.
    expect(lrsAfterEpochs(restored, [1e9])).toEqual([1]);
    restored.loadStateDict({ best: 'NaN', num_bad_epochs: 0, cooldown_counter: 0, lr: 1, last_epoch: 3 });
    // Nothing compares better than NaN (as in torch): a bad epoch, and with patience 0 a drop.
    expect(lrsAfterEpochs(restored, [1], 'val/loss', 4)).toEqual([0.1]);
  });

  it('rejects nonsense state with CHECKPOINT_INVALID', () => {
    const scheduler = new ReduceOnPlateauScheduler(PLATEAU_DEFAULTS, context);
    const valid = { best: 1, num_bad_epochs: 0, cooldown_counter: 0, lr: 0.1, last_epoch: 2 };
    const nonsense: JsonValue[] = [
      null,
      [1, 2],
      'state',
      {},
      { ...valid, best: 'large' },
      { ...valid, best: null },
      { ...valid, num_bad_epochs: -1 },
      { ...valid, cooldown_counter: 1.5 },
      { ...valid, lr: -0.1 },
      { ...valid, lr: '0.1' },
      { ...valid, last_epoch: -2 },
    ];
    for (const state of nonsense) {
      expectClsError(
        () => {
          scheduler.loadStateDict(state);
        },
        'CHECKPOINT_INVALID',
        /^reduce_on_plateau scheduler state: /,
      );
    }
    // A failed load leaves the state as it was.
    expect(scheduler.stateDict()).toMatchObject({ best: 'Infinity', lr: 1 });
  });

  it('scales the current lr by the linear warm-up', async () => {
    const scheduler = await reduceOnPlateauPlugin.create(
      { name: 'reduce_on_plateau', warmup_epochs: 0.5, warmup_start_factor: 0.2, patience: 0, factor: 0.5 },
      contextOf(1, 100),
    );
    // Warm-up over round(0.5·10) = 5 steps: factor 0.2 + 0.8·step/5.
    expectCloseAll(
      [0, 1, 4, 5, 50].map((s) => scheduler.lrAt(s)),
      [0.2, 0.36, 0.84, 1, 1],
      12,
    );
    scheduler.onEpochEnd?.(0, { 'val/loss': 1 });
    scheduler.onEpochEnd?.(1, { 'val/loss': 1 });
    // One bad epoch with patience 0 → lr 0.5, still warmed up at early steps.
    expect(scheduler.lrAt(2)).toBeCloseTo(0.5 * (0.2 + 0.8 * (2 / 5)), 12);
    expect(scheduler.lrAt(20)).toBe(0.5);
  });

  it('plugin fills missing options with the defaults', async () => {
    const scheduler = await reduceOnPlateauPlugin.create(
      { name: 'reduce_on_plateau' },
      contextOf(0.01, 1000),
    );
    expect(scheduler.name).toBe('reduce_on_plateau');
    const reference = new ReduceOnPlateauScheduler(PLATEAU_DEFAULTS, contextOf(0.01, 1000));
    const values = [1, 0.99995, ...Array<number>(12).fill(1), 0.5, ...Array<number>(12).fill(0.6)];
    values.forEach((value, epoch) => {
      scheduler.onEpochEnd?.(epoch, { 'val/loss': value });
      reference.onEpochEnd(epoch, { 'val/loss': value });
      expect(scheduler.lrAt(epoch * 10)).toBe(reference.lrAt(epoch * 10));
    });
    expect(scheduler.stateDict?.()).toEqual(reference.stateDict());
  });

  it('rejects options users can get wrong with a one-line CONFIG_INVALID naming the key', () => {
    expectClsError(
      () => new ReduceOnPlateauScheduler({ ...PLATEAU_DEFAULTS, factor: 1 }, context),
      'CONFIG_INVALID',
      'scheduler reduce_on_plateau: factor must be in [0, 1), got 1',
    );
    expectClsError(
      () => new ReduceOnPlateauScheduler({ ...PLATEAU_DEFAULTS, patience: 1.5 }, context),
      'CONFIG_INVALID',
      /patience/,
    );
    expectClsError(
      () => new ReduceOnPlateauScheduler({ ...PLATEAU_DEFAULTS, cooldown: -1 }, context),
      'CONFIG_INVALID',
      /cooldown/,
    );
    expectClsError(
      () => new ReduceOnPlateauScheduler({ ...PLATEAU_DEFAULTS, min_lr: -1 }, context),
      'CONFIG_INVALID',
      /min_lr/,
    );
    expectClsError(
      () => new ReduceOnPlateauScheduler({ ...PLATEAU_DEFAULTS, monitor: '' }, context),
      'CONFIG_INVALID',
      /monitor/,
    );
    expectClsError(
      () => reduceOnPlateauPlugin.create({ name: 'reduce_on_plateau', mode: 'avg' }, context),
      'CONFIG_INVALID',
      `scheduler reduce_on_plateau: mode must be 'min' or 'max', got "avg"`,
    );
    expectClsError(
      () => reduceOnPlateauPlugin.create({ name: 'reduce_on_plateau', threshold_mode: 'pct' }, context),
      'CONFIG_INVALID',
      /threshold_mode/,
    );
  });
});
