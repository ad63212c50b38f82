import type { JsonSchema } from '@nextplay/cls-core';

/** `callbacks.predictions` options. */
export interface PredictionsOptions {
  /** Images in the grid (fewer when the split has fewer). */
  readonly count?: number;
  /** Tiles per row. */
  readonly columns?: number;
  /** Pixels each image is scaled to (nearest-neighbour when enlarged, so 28 px digits stay crisp). */
  readonly tile_size?: number;
  /** How many of the shown images are the wrong predictions made with the highest confidence. */
  readonly most_confident_wrong?: number;
  /** How many are the right predictions made with the lowest confidence. */
  readonly least_confident_correct?: number;
  /** Seeds the random sample that fills the rest of the grid. */
  readonly seed?: number;
}

export type ResolvedPredictionsOptions = {
  readonly [K in keyof PredictionsOptions]-?: PredictionsOptions[K];
};

export const PREDICTIONS_DEFAULTS: ResolvedPredictionsOptions = {
  count: 32,
  columns: 8,
  tile_size: 112,
  most_confident_wrong: 8,
  least_confident_correct: 8,
  seed: 0,
};

/** Limits the schema and the constructor share, so a grid stays a picture and not a memory hazard. */
export const PREDICTIONS_LIMITS = {
  count: { minimum: 1, maximum: 1024 },
  columns: { minimum: 1, maximum: 64 },
  tile_size: { minimum: 16, maximum: 512 },
} as const;

export const predictionsOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    count: {
      type: 'integer',
      ...PREDICTIONS_LIMITS.count,
      default: PREDICTIONS_DEFAULTS.count,
      description: 'Images shown in plots/predictions.png (fewer when the split has fewer).',
    },
    columns: {
      type: 'integer',
      ...PREDICTIONS_LIMITS.columns,
      default: PREDICTIONS_DEFAULTS.columns,
      description: 'Tiles per row of the grid.',
    },
    tile_size: {
      type: 'integer',
      ...PREDICTIONS_LIMITS.tile_size,
      default: PREDICTIONS_DEFAULTS.tile_size,
      description:
        'Pixels each image is scaled to; enlarged with nearest-neighbour so small images stay crisp.',
    },
    most_confident_wrong: {
      type: 'integer',
      minimum: 0,
      default: PREDICTIONS_DEFAULTS.most_confident_wrong,
      description:
        'Shown images that are the most confident wrong predictions (the rest is a random sample).',
    },
    least_confident_correct: {
      type: 'integer',
      minimum: 0,
      default: PREDICTIONS_DEFAULTS.least_confident_correct,
      description: 'Shown images that are the least confident correct predictions.',
    },
    seed: {
      type: 'integer',
      minimum: 0,
      default: PREDICTIONS_DEFAULTS.seed,
      description: 'Seeds the random sample that fills the rest of the grid.',
    },
  },
  additionalProperties: false,
};
