import type { SplitName } from './data.js';

/** The class a digit head's reading falls in when it names no class of the run (index `classes.length`). */
export const OTHER_CLASS = '(other)';

/**
 * The per-sample outcome of one evaluation pass over a split, in the split's unshuffled order (the order of
 * `DataSplitInfo.files`), over the images evaluated (fewer than the split's size under `limit_*_batches`).
 * Its confusion matrix is the one `<split>/acc` was computed from: the share of `predicted[i] === targets[i]`.
 */
export interface SplitPredictions {
  readonly split: Exclude<SplitName, 'train'>;
  /**
   * The 0-based epoch of the weights evaluated: the epoch the pass ran in, or for a test with the best checkpoint,
   * the epoch that checkpoint was written at.
   */
  readonly epoch: number;
  /**
   * The predicted class of each sample (argmax of the logits). For a head that reads unseen classes (digits), a
   * reading that is no class of the run is `classes.length`: the confusion matrix's `other` column.
   */
  readonly predicted: Int32Array;
  /** The true class of each sample. */
  readonly targets: Int32Array;
  /** The softmax probability of each sample's predicted class (a digit head: the product of its digits'). */
  readonly confidence: Float32Array;
  /** What a head that reads unseen classes read of each sample, e.g. "47" (`""` for nothing); absent otherwise. */
  readonly readings?: readonly string[];
}
