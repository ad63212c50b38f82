import { MONITOR_MODES, type JsonSchema, type MonitorMode } from '@nextplay/cls-core';

/** `callbacks.model_checkpoint` options, as in Lightning's ModelCheckpoint. */
export interface ModelCheckpointOptions {
  /** Metric ranked to pick the top-k checkpoints; null keeps only the last checkpoint. */
  readonly monitor?: string | null;
  readonly mode?: MonitorMode;
  /** Also write `<dirpath>/last` at the end of every training epoch. */
  readonly save_last?: boolean;
  /** Best checkpoints kept under their formatted names: 0 = none, -1 = all. */
  readonly save_top_k?: number;
  /** Checkpoint directory; null = `<runDir>/checkpoints`, a relative path is resolved from the working directory. */
  readonly dirpath?: string | null;
  /** Template for top-k checkpoint names, e.g. `epoch={epoch}-step={step}-{val/acc:.4f}`. */
  readonly filename?: string;
  /** Rank a checkpoint every n training epochs. */
  readonly every_n_epochs?: number;
}

export type ResolvedModelCheckpointOptions = {
  readonly [K in keyof ModelCheckpointOptions]-?: ModelCheckpointOptions[K];
};

export const MODEL_CHECKPOINT_DEFAULTS: ResolvedModelCheckpointOptions = {
  monitor: 'val/acc',
  mode: 'max',
  save_last: true,
  save_top_k: 1,
  dirpath: null,
  filename: 'epoch={epoch}-step={step}',
  every_n_epochs: 1,
};

export const modelCheckpointOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    monitor: {
      anyOf: [{ type: 'string', minLength: 1 }, { type: 'null' }],
      default: MODEL_CHECKPOINT_DEFAULTS.monitor,
      description: 'Metric that ranks checkpoints (e.g. val/acc); null keeps only the last one.',
    },
    mode: {
      enum: [...MONITOR_MODES],
      default: MODEL_CHECKPOINT_DEFAULTS.mode,
      description: 'Whether a larger or a smaller monitored value is better.',
    },
    save_last: {
      type: 'boolean',
      default: MODEL_CHECKPOINT_DEFAULTS.save_last,
      description: 'Write <dirpath>/last at the end of every training epoch.',
    },
    save_top_k: {
      type: 'integer',
      minimum: -1,
      default: MODEL_CHECKPOINT_DEFAULTS.save_top_k,
      description: 'Best checkpoints to keep: 0 = none, -1 = all.',
    },
    dirpath: {
      anyOf: [{ type: 'string', minLength: 1 }, { type: 'null' }],
      default: MODEL_CHECKPOINT_DEFAULTS.dirpath,
      description: 'Checkpoint directory; null = <run dir>/checkpoints.',
    },
    filename: {
      type: 'string',
      minLength: 1,
      default: MODEL_CHECKPOINT_DEFAULTS.filename,
      description: 'Top-k checkpoint name template: {epoch}, {step} and metrics such as {val/acc:.4f}.',
    },
    every_n_epochs: {
      type: 'integer',
      minimum: 1,
      default: MODEL_CHECKPOINT_DEFAULTS.every_n_epochs,
      description: 'Rank a checkpoint every n training epochs.',
    },
  },
  additionalProperties: false,
};

/** Fills missing keys with the defaults (config validation normally has already done so). */
export function resolveModelCheckpointOptions(
  options: Readonly<ModelCheckpointOptions>,
): ResolvedModelCheckpointOptions {
  return {
    monitor: options.monitor === undefined ? MODEL_CHECKPOINT_DEFAULTS.monitor : options.monitor,
    mode: options.mode ?? MODEL_CHECKPOINT_DEFAULTS.mode,
    save_last: options.save_last ?? MODEL_CHECKPOINT_DEFAULTS.save_last,
    save_top_k: options.save_top_k ?? MODEL_CHECKPOINT_DEFAULTS.save_top_k,
    dirpath: options.dirpath === undefined ? MODEL_CHECKPOINT_DEFAULTS.dirpath : options.dirpath,
    filename: options.filename ?? MODEL_CHECKPOINT_DEFAULTS.filename,
    every_n_epochs: options.every_n_epochs ?? MODEL_CHECKPOINT_DEFAULTS.every_n_epochs,
  };
}
