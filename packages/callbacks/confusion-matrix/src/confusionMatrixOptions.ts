import { MONITOR_MODES, type JsonSchema, type MonitorMode } from '@nextplay/cls-core';

/** `callbacks.confusion_matrix` options. */
export interface ConfusionMatrixOptions {
  /** The metric that picks the best epoch, whose matrix is `plots/confusion_matrix.{svg,png}`: model_checkpoint's. */
  readonly monitor?: string;
  readonly mode?: MonitorMode;
  /** How many of the most-confused (true, predicted) pairs the plot lists beside the matrix. */
  readonly top_pairs?: number;
  /** Draw the plots (SVG and PNG); false writes only the CSVs. */
  readonly plots?: boolean;
}

export type ResolvedConfusionMatrixOptions = {
  readonly [K in keyof ConfusionMatrixOptions]-?: ConfusionMatrixOptions[K];
};

export const CONFUSION_MATRIX_DEFAULTS: ResolvedConfusionMatrixOptions = {
  monitor: 'val/acc',
  mode: 'max',
  top_pairs: 20,
  plots: true,
};

export const confusionMatrixOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    monitor: {
      type: 'string',
      minLength: 1,
      default: CONFUSION_MATRIX_DEFAULTS.monitor,
      description:
        "Metric that picks the best epoch for plots/confusion_matrix.{svg,png}; keep it model_checkpoint's monitor.",
    },
    mode: {
      enum: [...MONITOR_MODES],
      default: CONFUSION_MATRIX_DEFAULTS.mode,
      description: 'max: a larger monitor value is better; min: a smaller one.',
    },
    top_pairs: {
      type: 'integer',
      minimum: 0,
      maximum: 200,
      default: CONFUSION_MATRIX_DEFAULTS.top_pairs,
      description: 'Most-confused (true, predicted) pairs listed beside the matrix.',
    },
    plots: {
      type: 'boolean',
      default: CONFUSION_MATRIX_DEFAULTS.plots,
      description: 'Draw SVG and PNG plots; false writes only confusion_matrix/epoch_NNN.csv.',
    },
  },
  additionalProperties: false,
};
