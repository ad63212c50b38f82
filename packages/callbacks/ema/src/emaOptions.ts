import { ClsError, type JsonSchema } from '@nextplay/cls-core';

/** `callbacks.ema` options, as the arguments of timm's ModelEmaV3 (`use_warmup` is `warmup`) plus `validate`. */
export interface EmaOptions {
  /** The EMA decay (the largest one, with warmup). */
  readonly decay?: number;
  /** Ramp the decay up from 0 as `1 - (1 + step / warmup_gamma) ^ -warmup_power` (timm's `use_warmup`). */
  readonly warmup?: boolean;
  readonly warmup_gamma?: number;
  readonly warmup_power?: number;
  /** The smallest decay once warmup has started. */
  readonly min_decay?: number;
  /** Optimizer steps during which the EMA just copies the weights (decay 0). */
  readonly update_after_step?: number;
  /** Validate the EMA weights after every validation, logging `val_ema/loss`, `val_ema/acc`, … */
  readonly validate?: boolean;
  /**
   * Which weights checkpoints hold (and so testing and export use): `better` picks the EMA or the live weights at
   * each validation, by accuracy (ties by loss), or the live ones when the EMA is not validated; `ema` always the
   * EMA (and needs `validate`). Their validation metrics are logged as `val_ckpt/...`.
   */
  readonly checkpoint?: EmaCheckpointWeights;
}

export type EmaCheckpointWeights = 'better' | 'ema';

export type ResolvedEmaOptions = { readonly [K in keyof EmaOptions]-?: EmaOptions[K] };

/**
 * timm's ModelEmaV3 defaults, except `decay` and `warmup`: 0.9998 is the default of timm's train.py
 * `--model-ema-decay` (the class itself defaults to 0.9999), and the warmup (`use_warmup=True`) is on, so that on
 * a run of a few thousand steps the EMA is not still the initial weights.
 */
export const EMA_DEFAULTS: ResolvedEmaOptions = {
  decay: 0.9998,
  warmup: true,
  warmup_gamma: 1,
  warmup_power: 2 / 3,
  min_decay: 0,
  update_after_step: 0,
  validate: true,
  checkpoint: 'better',
};

export const emaOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    decay: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: EMA_DEFAULTS.decay,
      description: 'EMA decay: ema = ema * decay + weights * (1 - decay) after every optimizer step.',
    },
    warmup: {
      type: 'boolean',
      default: EMA_DEFAULTS.warmup,
      description: "Ramp the decay up as 1 - (1 + step / warmup_gamma) ^ -warmup_power (timm's use_warmup).",
    },
    warmup_gamma: {
      type: 'number',
      exclusiveMinimum: 0,
      default: EMA_DEFAULTS.warmup_gamma,
      description: 'Warmup: the step scale of the decay ramp.',
    },
    warmup_power: {
      type: 'number',
      exclusiveMinimum: 0,
      default: EMA_DEFAULTS.warmup_power,
      description: 'Warmup: the exponent of the decay ramp (2/3 for long runs, 3/4 for shorter ones).',
    },
    min_decay: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: EMA_DEFAULTS.min_decay,
      description: 'Warmup: the smallest decay the ramp may give.',
    },
    update_after_step: {
      type: 'integer',
      minimum: 0,
      default: EMA_DEFAULTS.update_after_step,
      description: 'Optimizer steps during which the EMA copies the weights instead of averaging them.',
    },
    validate: {
      type: 'boolean',
      default: EMA_DEFAULTS.validate,
      description: 'Validate the EMA weights after each validation, logging val_ema/loss, val_ema/acc, ...',
    },
    checkpoint: {
      type: 'string',
      enum: ['better', 'ema'],
      default: EMA_DEFAULTS.checkpoint,
      description:
        'Weights checkpoints hold, their metrics logged as val_ckpt/*: better = the EMA or the live weights, whichever validated better (the live ones with validate=false); ema = always the EMA (needs validate=true).',
    },
  },
  additionalProperties: false,
};

/** Fills missing keys with the defaults and checks the values, as the schema does, for callers that skip it. */
export function resolveEmaOptions(options: Readonly<EmaOptions>): ResolvedEmaOptions {
  const resolved: ResolvedEmaOptions = {
    decay: options.decay ?? EMA_DEFAULTS.decay,
    warmup: options.warmup ?? EMA_DEFAULTS.warmup,
    warmup_gamma: options.warmup_gamma ?? EMA_DEFAULTS.warmup_gamma,
    warmup_power: options.warmup_power ?? EMA_DEFAULTS.warmup_power,
    min_decay: options.min_decay ?? EMA_DEFAULTS.min_decay,
    update_after_step: options.update_after_step ?? EMA_DEFAULTS.update_after_step,
    validate: options.validate ?? EMA_DEFAULTS.validate,
    checkpoint: options.checkpoint ?? EMA_DEFAULTS.checkpoint,
  };
  assertOptions(resolved);
  return resolved;
}

function assertOptions(options: ResolvedEmaOptions): void {
  const invalid = (problem: string): ClsError => new ClsError('CONFIG_INVALID', `callbacks.ema: ${problem}`);
  const isUnitFraction = (value: number): boolean => value >= 0 && value < 1;
  if (!isUnitFraction(options.decay)) throw invalid(`decay must be in [0, 1), got ${String(options.decay)}`);
  if (!isUnitFraction(options.min_decay)) {
    throw invalid(`min_decay must be in [0, 1), got ${String(options.min_decay)}`);
  }
  if (options.min_decay > options.decay) {
    throw invalid(
      `min_decay must not exceed decay (${String(options.decay)}), got ${String(options.min_decay)}`,
    );
  }
  for (const key of ['warmup_gamma', 'warmup_power'] as const) {
    const value = options[key];
    if (!(value > 0 && Number.isFinite(value))) {
      throw invalid(`${key} must be a positive number, got ${String(value)}`);
    }
  }
  if (!(['better', 'ema'] as readonly string[]).includes(options.checkpoint)) {
    throw invalid(`checkpoint must be better or ema, got ${options.checkpoint}`);
  }
  if (options.checkpoint === 'ema' && !options.validate) {
    throw invalid(
      'checkpoint=ema needs validate=true: the checkpoint monitor (val_ckpt/*) must score the EMA weights it stores',
    );
  }
  if (!Number.isInteger(options.update_after_step) || options.update_after_step < 0) {
    throw invalid(
      `update_after_step must be a non-negative integer, got ${String(options.update_after_step)}`,
    );
  }
}
