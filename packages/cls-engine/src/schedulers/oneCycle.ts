import {
  ClsError,
  definePlugin,
  type LrScheduler,
  type SchedulerContext,
  type SchedulerOptions,
} from '@nextplay/cls-core';
import { ENGINE_PACKAGE } from '../enginePackage.js';
import { optionalNumber } from '../optimizers/optimizerState.js';
import { WarmupScheduler, linearWarmupOf, linearWarmupSchemaProperties } from './linearWarmup.js';

const ANNEAL_STRATEGIES = ['cos', 'linear'] as const;
export type AnnealStrategy = (typeof ANNEAL_STRATEGIES)[number];

export interface OneCycleOptions {
  /** Fraction of the run spent increasing the learning rate, in (0, 1). */
  readonly pct_start: number;
  readonly anneal_strategy: AnnealStrategy;
  /** The cycle starts at lr / div_factor. */
  readonly div_factor: number;
  /** The cycle ends at lr / (div_factor · final_div_factor). */
  readonly final_div_factor: number;
  /** Down to lr / div_factor symmetrically to the ramp up, then to the minimum (fast.ai's original schedule). */
  readonly three_phase: boolean;
}

interface Phase {
  /** The last step of the phase, as torch computes it (may be fractional). */
  readonly endStep: number;
  readonly startLr: number;
  readonly endLr: number;
}

const ANNEAL: Readonly<Record<AnnealStrategy, (start: number, end: number, pct: number) => number>> = {
  cos: (start, end, pct) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1),
  linear: (start, end, pct) => (end - start) * pct + start,
};

/**
 * torch.optim.lr_scheduler.OneCycleLR, per optimizer step, with max_lr = the optimizer's lr and total_steps =
 * the run's steps. Past the last step the lr stays at its last value (torch raises instead).
 */
export class OneCycleScheduler implements LrScheduler {
  readonly name = 'onecycle';
  readonly #phases: readonly Phase[];
  readonly #anneal: (start: number, end: number, pct: number) => number;
  readonly #lastStep: number;

  constructor(options: OneCycleOptions, context: SchedulerContext) {
    validateOneCycleOptions(options);
    const totalSteps = Math.max(1, context.totalSteps);
    const maxLr = context.baseLr;
    const initialLr = maxLr / options.div_factor;
    const minLr = initialLr / options.final_div_factor;
    const rampEnd = options.pct_start * totalSteps - 1;
    this.#phases = options.three_phase
      ? [
          { endStep: rampEnd, startLr: initialLr, endLr: maxLr },
          { endStep: 2 * options.pct_start * totalSteps - 2, startLr: maxLr, endLr: initialLr },
          { endStep: totalSteps - 1, startLr: initialLr, endLr: minLr },
        ]
      : [
          { endStep: rampEnd, startLr: initialLr, endLr: maxLr },
          { endStep: totalSteps - 1, startLr: maxLr, endLr: minLr },
        ];
    this.#anneal = ANNEAL[options.anneal_strategy];
    this.#lastStep = totalSteps - 1;
  }

  lrAt(step: number): number {
    const stepNum = Math.min(step, this.#lastStep);
    let startStep = 0;
    for (const [i, phase] of this.#phases.entries()) {
      if (stepNum <= phase.endStep || i === this.#phases.length - 1) {
        const length = phase.endStep - startStep;
        // A phase of zero length (pct_start · total_steps = 1) is over at its only step; torch divides by zero.
        const pct = length === 0 ? 1 : (stepNum - startStep) / length;
        return this.#anneal(phase.startLr, phase.endLr, pct);
      }
      startStep = phase.endStep;
    }
    throw new Error('unreachable: a one-cycle schedule always has phases');
  }
}

function validateOneCycleOptions(options: OneCycleOptions): void {
  const invalid = (message: string) => new ClsError('CONFIG_INVALID', `scheduler onecycle: ${message}`);
  if (!(options.pct_start > 0 && options.pct_start < 1))
    throw invalid(`pct_start must be in (0, 1), got ${String(options.pct_start)}`);
  if (!(options.div_factor > 0)) throw invalid(`div_factor must be > 0, got ${String(options.div_factor)}`);
  if (!(options.final_div_factor > 0))
    throw invalid(`final_div_factor must be > 0, got ${String(options.final_div_factor)}`);
  if (!ANNEAL_STRATEGIES.includes(options.anneal_strategy))
    throw invalid(
      `anneal_strategy must be 'cos' or 'linear', got ${JSON.stringify(options.anneal_strategy)}`,
    );
}

export const oneCyclePlugin = definePlugin<'scheduler', SchedulerOptions & Record<string, unknown>>({
  kind: 'scheduler',
  name: 'onecycle',
  package: ENGINE_PACKAGE,
  description:
    'One-cycle policy (torch OneCycleLR) per step: up from lr/div_factor to the optimizer lr over pct_start of ' +
    'the run, then down to lr/(div_factor·final_div_factor). Learning rate only: no momentum cycling.',
  optionsSchema: {
    type: 'object',
    properties: {
      pct_start: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.3 },
      anneal_strategy: { type: 'string', enum: ANNEAL_STRATEGIES, default: 'cos' },
      div_factor: { type: 'number', exclusiveMinimum: 0, default: 25 },
      final_div_factor: { type: 'number', exclusiveMinimum: 0, default: 1e4 },
      three_phase: { type: 'boolean', default: false },
      ...linearWarmupSchemaProperties,
    },
    additionalProperties: false,
  },
  create: (options, context) => {
    const schedule = new OneCycleScheduler(
      {
        pct_start: optionalNumber(options, 'pct_start', 0.3),
        anneal_strategy: (options.anneal_strategy ?? 'cos') as AnnealStrategy,
        div_factor: optionalNumber(options, 'div_factor', 25),
        final_div_factor: optionalNumber(options, 'final_div_factor', 1e4),
        three_phase: options.three_phase === true,
      },
      context,
    );
    return new WarmupScheduler(schedule, linearWarmupOf(options, context));
  },
});
