import {
  ClsError,
  definePlugin,
  numberFromJson,
  numberToJson,
  type JsonValue,
  type LrScheduler,
  type SchedulerContext,
  type SchedulerOptions,
} from '@nextplay/cls-core';
import { ENGINE_PACKAGE } from '../enginePackage.js';
import { optionalNumber } from '../optimizers/optimizerState.js';
import {
  linearWarmupFactor,
  linearWarmupOf,
  linearWarmupSchemaProperties,
  type LinearWarmup,
} from './linearWarmup.js';

const PLATEAU_MODES = ['min', 'max'] as const;
const THRESHOLD_MODES = ['rel', 'abs'] as const;
export type PlateauMode = (typeof PLATEAU_MODES)[number];
export type ThresholdMode = (typeof THRESHOLD_MODES)[number];

export interface ReduceOnPlateauOptions {
  /** The logged metric that decides, e.g. `val/loss` (Lightning's `monitor`). */
  readonly monitor: string;
  readonly mode: PlateauMode;
  /** new lr = lr · factor, in [0, 1). */
  readonly factor: number;
  /** Epochs without improvement tolerated; the lr drops after patience + 1 of them. */
  readonly patience: number;
  readonly threshold: number;
  readonly threshold_mode: ThresholdMode;
  /** Epochs after a drop during which bad epochs are not counted. */
  readonly cooldown: number;
  readonly min_lr: number;
  /** A drop smaller than eps is skipped. */
  readonly eps: number;
  readonly warmup_epochs: number;
  readonly warmup_start_factor: number;
}

/** What `lrAt` and `onEpochEnd` depend on; ±Infinity and NaN (JSON has neither) are kept as strings. */
interface PlateauState {
  best: number;
  numBadEpochs: number;
  cooldownCounter: number;
  lr: number;
  /** The last epoch whose metrics were seen; -1 before the first. */
  lastEpoch: number;
}

/**
 * torch.optim.lr_scheduler.ReduceLROnPlateau, stepped once per epoch with the monitored metric, times the linear
 * warm-up every built-in scheduler applies.
 */
export class ReduceOnPlateauScheduler implements LrScheduler {
  readonly name = 'reduce_on_plateau';
  readonly #options: ReduceOnPlateauOptions;
  readonly #warmup: LinearWarmup;
  #state: PlateauState;

  constructor(options: ReduceOnPlateauOptions, context: SchedulerContext) {
    validatePlateauOptions(options);
    this.#options = options;
    this.#warmup = linearWarmupOf(
      { warmup_epochs: options.warmup_epochs, warmup_start_factor: options.warmup_start_factor },
      context,
    );
    this.#state = {
      best: options.mode === 'min' ? Infinity : -Infinity,
      numBadEpochs: 0,
      cooldownCounter: 0,
      lr: context.baseLr,
      lastEpoch: -1,
    };
  }

  lrAt(step: number): number {
    return this.#state.lr * linearWarmupFactor(step, this.#warmup);
  }

  onEpochEnd(epoch: number, metrics: Readonly<Record<string, number>>): void {
    const { monitor, patience, cooldown, factor, min_lr: minLr, eps } = this.#options;
    const current = metrics[monitor];
    if (current === undefined) {
      const available = Object.keys(metrics).sort();
      throw new ClsError(
        'CONFIG_INVALID',
        `scheduler reduce_on_plateau monitors "${monitor}", which was not logged ` +
          `(available: ${available.length > 0 ? available.join(', ') : 'none'})`,
      );
    }
    const state = this.#state;
    state.lastEpoch = epoch;
    if (this.#isBetter(current, state.best)) {
      state.best = current;
      state.numBadEpochs = 0;
    } else {
      state.numBadEpochs += 1;
    }
    if (state.cooldownCounter > 0) {
      state.cooldownCounter -= 1;
      state.numBadEpochs = 0;
    }
    if (state.numBadEpochs > patience) {
      const newLr = Math.max(state.lr * factor, minLr);
      if (state.lr - newLr > eps) state.lr = newLr;
      state.cooldownCounter = cooldown;
      state.numBadEpochs = 0;
    }
  }

  stateDict(): JsonValue {
    const { best, numBadEpochs, cooldownCounter, lr, lastEpoch } = this.#state;
    return {
      best: numberToJson(best),
      num_bad_epochs: numBadEpochs,
      cooldown_counter: cooldownCounter,
      lr,
      last_epoch: lastEpoch,
    };
  }

  loadStateDict(state: JsonValue): void {
    this.#state = parsePlateauState(state);
  }

  #isBetter(value: number, best: number): boolean {
    const { mode, threshold_mode: thresholdMode, threshold } = this.#options;
    if (mode === 'min') {
      return thresholdMode === 'rel' ? value < best * (1 - threshold) : value < best - threshold;
    }
    return thresholdMode === 'rel' ? value > best * (threshold + 1) : value > best + threshold;
  }
}

function parsePlateauState(state: JsonValue): PlateauState {
  const invalid = (what: string) =>
    new ClsError('CHECKPOINT_INVALID', `reduce_on_plateau scheduler state: ${what}`);
  if (typeof state !== 'object' || state === null || Array.isArray(state))
    throw invalid('expected an object');
  const record = state as Readonly<Record<string, JsonValue>>;
  const count = (key: string, min: number): number => {
    const value = record[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
      throw invalid(`${key} must be an integer >= ${String(min)}, got ${JSON.stringify(value ?? null)}`);
    return value;
  };
  const best = record.best;
  const bestValue = numberFromJson(best);
  if (bestValue === undefined)
    throw invalid(
      `best must be a number, "Infinity", "-Infinity" or "NaN", got ${JSON.stringify(best ?? null)}`,
    );
  const lr = record.lr;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0)
    throw invalid(`lr must be a finite number >= 0, got ${JSON.stringify(lr ?? null)}`);
  return {
    best: bestValue,
    numBadEpochs: count('num_bad_epochs', 0),
    cooldownCounter: count('cooldown_counter', 0),
    lr,
    lastEpoch: count('last_epoch', -1),
  };
}

function validatePlateauOptions(options: ReduceOnPlateauOptions): void {
  const invalid = (message: string) =>
    new ClsError('CONFIG_INVALID', `scheduler reduce_on_plateau: ${message}`);
  if (options.monitor === '') throw invalid('monitor must name a logged metric, got ""');
  if (!PLATEAU_MODES.includes(options.mode))
    throw invalid(`mode must be 'min' or 'max', got ${JSON.stringify(options.mode)}`);
  if (!THRESHOLD_MODES.includes(options.threshold_mode))
    throw invalid(`threshold_mode must be 'rel' or 'abs', got ${JSON.stringify(options.threshold_mode)}`);
  if (!(options.factor >= 0 && options.factor < 1))
    throw invalid(`factor must be in [0, 1), got ${String(options.factor)}`);
  for (const key of ['patience', 'cooldown'] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 0)
      throw invalid(`${key} must be an integer >= 0, got ${String(options[key])}`);
  }
  for (const key of ['threshold', 'min_lr', 'eps'] as const) {
    if (!(options[key] >= 0)) throw invalid(`${key} must be >= 0, got ${String(options[key])}`);
  }
}

export const reduceOnPlateauPlugin = definePlugin<'scheduler', SchedulerOptions & Record<string, unknown>>({
  kind: 'scheduler',
  name: 'reduce_on_plateau',
  package: ENGINE_PACKAGE,
  description:
    'Multiplies the learning rate by factor when the monitored metric stops improving for patience epochs ' +
    '(torch ReduceLROnPlateau, checked at each epoch end), after an optional linear warm-up.',
  optionsSchema: {
    type: 'object',
    properties: {
      monitor: { type: 'string', minLength: 1, default: 'val/loss' },
      mode: { type: 'string', enum: PLATEAU_MODES, default: 'min' },
      factor: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.1 },
      patience: { type: 'integer', minimum: 0, default: 10 },
      threshold: { type: 'number', minimum: 0, default: 1e-4 },
      threshold_mode: { type: 'string', enum: THRESHOLD_MODES, default: 'rel' },
      cooldown: { type: 'integer', minimum: 0, default: 0 },
      min_lr: { type: 'number', minimum: 0, default: 0 },
      eps: { type: 'number', minimum: 0, default: 1e-8 },
      ...linearWarmupSchemaProperties,
    },
    additionalProperties: false,
  },
  create: (options, context) =>
    new ReduceOnPlateauScheduler(
      {
        monitor: typeof options.monitor === 'string' ? options.monitor : 'val/loss',
        mode: (options.mode ?? 'min') as PlateauMode,
        factor: optionalNumber(options, 'factor', 0.1),
        patience: optionalNumber(options, 'patience', 10),
        threshold: optionalNumber(options, 'threshold', 1e-4),
        threshold_mode: (options.threshold_mode ?? 'rel') as ThresholdMode,
        cooldown: optionalNumber(options, 'cooldown', 0),
        min_lr: optionalNumber(options, 'min_lr', 0),
        eps: optionalNumber(options, 'eps', 1e-8),
        warmup_epochs: optionalNumber(options, 'warmup_epochs', 0),
        warmup_start_factor: optionalNumber(options, 'warmup_start_factor', 0.1),
      },
      context,
    ),
});
