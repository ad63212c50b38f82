import { MONITOR_MODES, type JsonSchema, type MonitorMode } from '@nextplay/cls-core';

/** `callbacks.early_stopping` options, as in Lightning's EarlyStopping. */
export interface EarlyStoppingOptions {
  readonly monitor?: string;
  readonly mode?: MonitorMode;
  /** Validation checks without improvement before stopping. */
  readonly patience?: number;
  /** The least change of the monitored value that counts as an improvement. */
  readonly min_delta?: number;
  /** Stop as soon as the monitored value is NaN or infinite. */
  readonly check_finite?: boolean;
  /** Stop once the monitored value is better than this. */
  readonly stopping_threshold?: number | null;
  /** Stop once the monitored value is worse than this. */
  readonly divergence_threshold?: number | null;
  /** A monitored metric that was never logged is a config error (otherwise a warning). */
  readonly strict?: boolean;
}

export type ResolvedEarlyStoppingOptions = {
  readonly [K in keyof EarlyStoppingOptions]-?: EarlyStoppingOptions[K];
};

export const EARLY_STOPPING_DEFAULTS: ResolvedEarlyStoppingOptions = {
  monitor: 'val/acc',
  mode: 'max',
  patience: 5,
  min_delta: 0,
  check_finite: true,
  stopping_threshold: null,
  divergence_threshold: null,
  strict: true,
};

const nullableNumber = { anyOf: [{ type: 'number' }, { type: 'null' }] };

export const earlyStoppingOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    monitor: {
      type: 'string',
      minLength: 1,
      default: EARLY_STOPPING_DEFAULTS.monitor,
      description: 'Metric to watch, e.g. val/acc or val/loss.',
    },
    mode: {
      enum: [...MONITOR_MODES],
      default: EARLY_STOPPING_DEFAULTS.mode,
      description: 'Whether a larger or a smaller monitored value is better.',
    },
    patience: {
      type: 'integer',
      minimum: 0,
      default: EARLY_STOPPING_DEFAULTS.patience,
      description: 'Validation checks without improvement before training stops.',
    },
    min_delta: {
      type: 'number',
      minimum: 0,
      default: EARLY_STOPPING_DEFAULTS.min_delta,
      description: 'Smallest change of the monitored value that counts as an improvement.',
    },
    check_finite: {
      type: 'boolean',
      default: EARLY_STOPPING_DEFAULTS.check_finite,
      description: 'Stop when the monitored value becomes NaN or infinite.',
    },
    stopping_threshold: {
      ...nullableNumber,
      default: EARLY_STOPPING_DEFAULTS.stopping_threshold,
      description: 'Stop as soon as the monitored value is better than this.',
    },
    divergence_threshold: {
      ...nullableNumber,
      default: EARLY_STOPPING_DEFAULTS.divergence_threshold,
      description: 'Stop as soon as the monitored value is worse than this.',
    },
    strict: {
      type: 'boolean',
      default: EARLY_STOPPING_DEFAULTS.strict,
      description: 'Fail when the monitored metric was never logged (false: warn once).',
    },
  },
  additionalProperties: false,
};

/** Fills missing keys with the defaults (config validation normally has already done so). */
export function resolveEarlyStoppingOptions(
  options: Readonly<EarlyStoppingOptions>,
): ResolvedEarlyStoppingOptions {
  return {
    monitor: options.monitor ?? EARLY_STOPPING_DEFAULTS.monitor,
    mode: options.mode ?? EARLY_STOPPING_DEFAULTS.mode,
    patience: options.patience ?? EARLY_STOPPING_DEFAULTS.patience,
    min_delta: options.min_delta ?? EARLY_STOPPING_DEFAULTS.min_delta,
    check_finite: options.check_finite ?? EARLY_STOPPING_DEFAULTS.check_finite,
    stopping_threshold:
      options.stopping_threshold === undefined
        ? EARLY_STOPPING_DEFAULTS.stopping_threshold
        : options.stopping_threshold,
    divergence_threshold:
      options.divergence_threshold === undefined
        ? EARLY_STOPPING_DEFAULTS.divergence_threshold
        : options.divergence_threshold,
    strict: options.strict ?? EARLY_STOPPING_DEFAULTS.strict,
  };
}
