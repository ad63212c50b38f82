import type { ResolvedEmaOptions } from './emaOptions.js';

export type EmaDecaySchedule = Pick<
  ResolvedEmaOptions,
  'decay' | 'warmup' | 'warmup_gamma' | 'warmup_power' | 'min_decay' | 'update_after_step'
>;

/**
 * The decay of the EMA update made after optimizer step `step` (1 for the first), as timm's
 * `ModelEmaV3.get_decay(step)`: 0 (a plain copy) until `update_after_step + 1` steps have been taken, then
 * `decay`, or with warmup `1 - (1 + t / warmup_gamma) ^ -warmup_power` clamped to `[min_decay, decay]`, where
 * `t = step - update_after_step - 1`.
 */
export function emaDecay(step: number, schedule: EmaDecaySchedule): number {
  const t = Math.max(0, step - schedule.update_after_step - 1);
  if (t <= 0) return 0;
  if (!schedule.warmup) return schedule.decay;
  const ramp = 1 - (1 + t / schedule.warmup_gamma) ** -schedule.warmup_power;
  return Math.max(Math.min(ramp, schedule.decay), schedule.min_decay);
}
