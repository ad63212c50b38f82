import { describe, expect, it } from 'vitest';
import { EMA_DEFAULTS, emaDecay, type EmaDecaySchedule } from '../src/index.js';

function schedule(overrides: Partial<EmaDecaySchedule> = {}): EmaDecaySchedule {
  return { ...EMA_DEFAULTS, ...overrides };
}

describe('emaDecay (timm ModelEmaV3.get_decay)', () => {
  it('copies at the first step, then uses the constant decay without warmup', () => {
    const decays = [0, 1, 2, 3, 100].map((step) => emaDecay(step, schedule({ warmup: false })));
    expect(decays).toEqual([0, 0, 0.9998, 0.9998, 0.9998]);
  });

  it('copies for update_after_step + 1 steps', () => {
    const decays = [1, 2, 3, 4, 5, 6].map((step) =>
      emaDecay(step, schedule({ warmup: false, update_after_step: 3 })),
    );
    expect(decays).toEqual([0, 0, 0, 0, 0.9998, 0.9998]);
  });

  it('ramps up as 1 - (1 + t / gamma) ^ -power with warmup, t = step - update_after_step - 1', () => {
    const warm = schedule({ warmup: true });
    expect(emaDecay(1, warm)).toBe(0);
    // t = 1: 1 - 2^(-2/3); t = 8: 1 - 9^(-2/3)
    expect(emaDecay(2, warm)).toBeCloseTo(1 - 1 / Math.cbrt(4), 14);
    expect(emaDecay(9, warm)).toBeCloseTo(1 - 1 / Math.cbrt(81), 14);
    expect(emaDecay(9, warm)).toBeCloseTo(0.76888, 5);
    // t = 11, gamma 10, power 1: 1 - 1 / 2.1
    expect(emaDecay(12, schedule({ warmup: true, warmup_gamma: 10, warmup_power: 1 }))).toBeCloseTo(
      1 - 1 / 2.1,
      14,
    );
    // update_after_step shifts the ramp: step 4 with update_after_step 2 is t = 1
    const shifted = schedule({ warmup: true, update_after_step: 2 });
    expect([1, 2, 3].map((step) => emaDecay(step, shifted))).toEqual([0, 0, 0]);
    expect(emaDecay(4, shifted)).toBe(emaDecay(2, warm));
  });

  it('clamps the warmup ramp to [min_decay, decay]; without warmup min_decay is unused, as in timm', () => {
    // 1 - (1 + t)^(-2/3) reaches 0.9998 once 1 + t > 5000^1.5 ≈ 353553.4
    expect(emaDecay(353_553, schedule({ warmup: true }))).toBeLessThan(0.9998);
    expect(emaDecay(353_555, schedule({ warmup: true }))).toBe(0.9998);
    expect(emaDecay(1e9, schedule({ warmup: true }))).toBe(0.9998);
    expect(emaDecay(2, schedule({ warmup: true, min_decay: 0.5 }))).toBe(0.5);
    expect(emaDecay(9, schedule({ warmup: true, min_decay: 0.5 }))).toBeCloseTo(0.76888, 5);
    expect(emaDecay(2, schedule({ warmup: false, decay: 0.9, min_decay: 0.5 }))).toBe(0.9);
    expect(emaDecay(1, schedule({ warmup: true, min_decay: 0.5 }))).toBe(0);
  });
});
