import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { SymbolicTensor, layers } from '@tensorflow/tfjs-layers';
import type { JsonValue } from './callback.js';
import type { Batch } from './data.js';
import type { Logger } from './logger.js';

/** A dense layer initialized as the model initializes its own (torch's `nn.Linear` for the ResNets). */
export type DenseLayerFactory = (
  name: string,
  units: number,
  inputChannels: number,
) => ReturnType<typeof layers.dense>;

/** What a head builds its layers with, given by the model that carries it. */
export interface HeadBuildOptions {
  /** Output units of a class-per-output head: `model.num_classes`, or the dataset's class count. */
  readonly numClasses: number;
  /** Channels of the feature map the head reads. */
  readonly inputChannels: number;
  /** Dropout rate before the head's classifiers (`model.dropout`); 0 adds no dropout layer. */
  readonly dropout: number;
  readonly dense: DenseLayerFactory;
}

/** How the training loss is shaped, from `trainer.label_smoothing` and `model.class_weights`. */
export interface HeadLossOptions {
  /** The run's class names in label order: what `labels` index. */
  readonly classes: readonly string[];
  /** torch's label_smoothing ε. */
  readonly labelSmoothing: number;
  /** One weight per class (`model.class_weights`); absent = unweighted. */
  readonly classWeights?: readonly number[] | undefined;
}

/** What a head read from one batch, on the host. */
export interface HeadReadings {
  /**
   * Each sample's reading as a class index into the run's classes; `classes.length` (the `other` column of the
   * confusion matrix) when the reading names no class of the run, e.g. a jersey number no split holds.
   */
  readonly predicted: Int32Array;
  /** The probability the head gives its reading (for digits, the product of the digits' probabilities). */
  readonly confidence: Float32Array;
  /** Each reading as text: the class name for a class head, the number read ("47", "" for none) for a digit head. */
  readonly labels: readonly string[];
}

/**
 * The output layers of a classifier and what follows from them: the loss, how outputs become predictions, and
 * which metrics they add. A `head` plugin (`model.head`) produces one; the model plugin builds it on its features.
 */
export interface ModelHead {
  readonly name: string;
  /** The model's outputs in order, as the ONNX export names them: `logits`; `tens`, `units`; `columns`. */
  readonly outputNames: readonly string[];
  /**
   * `pooled`: the head reads the last stage's feature map (globally pooled, for a classifier). `columns`: it reads
   * the columns of the third stage's, which keeps its width (strides (2, 1)); the backbone ends there, as deeper
   * stages would mix the columns.
   */
  readonly features: 'pooled' | 'columns';
  /**
   * True for a head that can read classes without training images (digit by digit): its reading may name no class
   * of the run (the confusion matrix's `other` column), and `cls test` accepts classes its checkpoint lacks.
   */
  readonly readsUnseenClasses: boolean;
  /** A mirrored image is read as another class (digits read left to right): training leaves out flips. */
  readonly mirrorChangesClass: boolean;
  /** Class names this head cannot label (e.g. a folder that is not a jersey number): a `ClsError` naming one. */
  checkClasses(classes: readonly string[]): void;
  /** Adds the head's layers on the feature map `features` names; returns the outputs in `outputNames` order. */
  build(features: SymbolicTensor, options: HeadBuildOptions): SymbolicTensor[];
  /**
   * The mean loss of a batch whose true classes are `labels`. `targets` are soft class targets [batch, classes]
   * (mixup, cutmix) when given; a head that cannot learn from them throws a `ClsError`.
   */
  loss(
    outputs: readonly Tensor[],
    labels: Int32Array,
    targets: Tensor2D | undefined,
    options: HeadLossOptions,
  ): Scalar;
  /** The samples of a batch read as their true class, counted on the device (`train/acc`). */
  countCorrect(outputs: readonly Tensor[], labels: Int32Array, classes: readonly string[]): Scalar;
  /** Samples whose class is among the head's `k` most likely ones; absent for a head that does not rank classes. */
  countTopK?(outputs: readonly Tensor[], labels: Int32Array, k: number): Scalar;
  /** Each sample's reading, as a class index, its probability and its text. */
  read(outputs: readonly Tensor[], classes: readonly string[]): Promise<HeadReadings>;
  /**
   * Metrics beyond loss and accuracy, from a split's readings (`labels` of `read`) and true classes: e.g.
   * `acc_tens` and `acc_unseen` (null when no sample is unseen). `trainClassCounts` index like `classes`.
   */
  metrics?(
    readings: readonly string[],
    targets: ArrayLike<number>,
    classes: readonly string[],
    trainClassCounts: readonly number[],
  ): Readonly<Record<string, number | null>>;
  /** How to turn the exported model's outputs into a reading, for the ONNX sidecar (`decode`). */
  readonly decoding: JsonValue;
  /**
   * Digit-level augmentation (`model.digit_mix`) for a head that reads digits left to right: about `share` of a
   * training batch's two-digit samples get their right half (the units digit) from another two-digit sample, and
   * the label of the number that makes. Absent for a head whose classes are not numbers.
   */
  mixDigits?(batch: Batch, classes: readonly string[], share: number, random: () => number): MixedNumbers;
}

/** A training batch with numbers made from parts of others, and the classes its labels now index. */
export interface MixedNumbers {
  readonly batch: Batch;
  /** The run's classes followed by the new numbers that no class names; `batch.labels` index this list. */
  readonly classes: readonly string[];
}

export interface HeadContext {
  readonly logger: Logger;
}
