import { ImageSide, ModelConfigSchema } from '@nextplay/cls-core';

const imageSize: { readonly maximum?: number } = ImageSide;
const numClasses = ModelConfigSchema.properties.num_classes.anyOf[0];

/**
 * What a checkpoint directory from a stranger may hold. Class counts start where config's schema starts them;
 * image sizes from 1, since a dataset plugin may feed smaller inputs than an ImageFolder's 8 px minimum. Both end
 * where config's schema ends them, once it does; the upper ends are far above what an image classifier
 * needs (inputs of ImageNet models stay under 1,000 px; ResNet-152's weights are 241 MB) and keep a crafted
 * `trainer_state.json` or `model.json` from sizing tensors in gigabytes.
 */
export const CHECKPOINT_LIMITS = {
  minImageSize: 1,
  maxImageSize: imageSize.maximum ?? 2048,
  minClasses: numClasses.minimum ?? 2,
  maxClasses: numClasses.maximum ?? 100_000,
  /** Characters of one class name. */
  maxClassNameLength: 1024,
  /** Bytes of `model.json` and `trainer_state.json`. */
  maxJsonBytes: 16 * 1024 ** 2,
  /** Nesting of arrays and objects in those files (tfjs topologies nest about ten deep). */
  maxJsonDepth: 64,
  /** Bytes of all weight files of the checkpoint together. */
  maxWeightBytes: 1024 ** 3,
  /** Dimensions of one weight. */
  maxWeightRank: 8,
  /** Rows of `metrics.csv` a resume state may carry (one per epoch). */
  maxMetricRows: 100_000,
  /** Metrics of one such row. */
  maxMetricsPerRow: 1024,
  /** Characters of a metric's name. */
  maxMetricNameLength: 256,
  /** The dtypes cls saves weights and training state in. */
  weightDtypes: ['float32', 'int32'] as readonly string[],
} as const;
