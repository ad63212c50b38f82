import * as tf from '@tensorflow/tfjs-core';
import type { Batch, ClassifierModel, ModelHead, TrainableParameter } from '@nextplay/cls-core';

/** Summed (not averaged) loss and correct predictions of one batch, read back to the host. */
export interface BatchOutcome {
  readonly lossSum: number;
  readonly correct: number;
  readonly size: number;
}

/** An evaluated batch: its outcome, what the head read of every sample and, with ≥ `k` classes, top-k hits. */
export interface EvaluatedBatch extends BatchOutcome {
  /** The class each sample was read as (`classes.length` for a reading outside the classes). */
  readonly predictions: Int32Array;
  /** The probability of each sample's reading. */
  readonly confidence: Float32Array;
  /** Each reading as text (class name, or the number a digit head read). */
  readonly readings: readonly string[];
  /** Samples whose label is among the head's `topK` most likely classes; undefined when it has fewer or none. */
  readonly topKCorrect: number | undefined;
}

/** How the training loss is formed. */
export interface TrainLoss {
  /** The output layers: what forms the loss and reads the outputs (`model.head`). */
  readonly head: ModelHead;
  /** The run's class names, in label order. */
  readonly classes: readonly string[];
  /** torch CrossEntropyLoss(label_smoothing=ε): targets are (1 − ε)·one_hot + ε/num_classes. */
  readonly labelSmoothing: number;
  /** The loss is multiplied by this before differentiation (1 / accumulate_grad_batches, as Lightning). */
  readonly scale: number;
  /** torch CrossEntropyLoss(weight=w): one weight per class (`model.class_weights`); absent = unweighted. */
  readonly classWeights?: readonly number[] | undefined;
}

/** One batch's gradients (of the scaled loss) with its unscaled mean loss and correct count, still on device. */
export interface BatchGradients {
  /** In the order of the variables they were taken for; the caller owns (and disposes) them. */
  readonly gradients: tf.Tensor[];
  readonly loss: tf.Scalar;
  readonly correct: tf.Scalar;
  readonly size: number;
}

/** The model's trainable variables; 1-D ones (biases, batch-norm γ/β) get no weight decay. */
export function trainableParameters(model: ClassifierModel): TrainableParameter[] {
  // LayerVariable.read() returns the tf.Variable holding the weight (typed as a plain Tensor).
  return model.trainableWeights.map((weight) => ({
    variable: weight.read() as unknown as tf.Variable,
    decay: weight.shape.length > 1,
  }));
}

/** The model's outputs as a list, in the order of its `outputs`. */
export function applyModel(model: ClassifierModel, images: tf.Tensor4D, training: boolean): tf.Tensor[] {
  const outputs = model.apply(images, { training }) as tf.Tensor | tf.Tensor[];
  return Array.isArray(outputs) ? outputs : [outputs];
}

function softTargets(batch: Batch): tf.Tensor2D | undefined {
  if (batch.targets === undefined) return undefined;
  const n = batch.labels.length;
  return tf.tensor2d(batch.targets, [n, batch.targets.length / n]);
}

/**
 * Forward and backward pass of one batch with the model in training mode (batch-norm uses and updates batch
 * statistics): the head's mean loss, gradients of every variable in `variables`.
 */
export function computeGradients(
  model: ClassifierModel,
  variables: readonly tf.Variable[],
  batch: Batch,
  loss: TrainLoss,
): BatchGradients {
  const images = tf.tensor4d(batch.images, [...batch.shape]);
  const targets = softTargets(batch);
  const kept: { correct: tf.Scalar | undefined; loss: tf.Scalar | undefined } = {
    correct: undefined,
    loss: undefined,
  };
  try {
    const { value, grads } = tf.variableGrads((): tf.Scalar => {
      const outputs = applyModel(model, images, true);
      kept.correct = tf.keep(loss.head.countCorrect(outputs, batch.labels, loss.classes));
      const mean = loss.head.loss(outputs, batch.labels, targets, loss);
      if (loss.scale === 1) return mean;
      kept.loss = tf.keep(mean);
      return tf.mul(mean, loss.scale);
    }, variables as tf.Variable[]);
    if (kept.loss === undefined) kept.loss = value;
    else value.dispose();
    const gradients = variables.map((v) => grads[v.name]);
    if (gradients.some((g) => g === undefined)) {
      tf.dispose(grads);
      throw new Error('a trainable parameter received no gradient');
    }
    const correct = kept.correct;
    if (correct === undefined) throw new Error('the model was not applied');
    return { gradients: gradients as tf.Tensor[], loss: kept.loss, correct, size: batch.labels.length };
  } catch (error) {
    kept.loss?.dispose();
    kept.correct?.dispose();
    throw error;
  } finally {
    tf.dispose([images, ...(targets === undefined ? [] : [targets])]);
  }
}

/** Reads a batch's loss and correct count back to the host and disposes them. */
export async function readTrainOutcome(
  batch: Pick<BatchGradients, 'loss' | 'correct' | 'size'>,
): Promise<BatchOutcome> {
  try {
    const [lossValue, correctValue] = await Promise.all([batch.loss.data(), batch.correct.data()]);
    return { lossSum: (lossValue[0] ?? NaN) * batch.size, correct: correctValue[0] ?? 0, size: batch.size };
  } finally {
    batch.loss.dispose();
    batch.correct.dispose();
  }
}

/**
 * Loss, readings and top-k hits of one batch in inference mode (batch-norm uses its moving statistics). The loss
 * is the head's, unsmoothed and unweighted.
 */
export async function evaluateBatch(
  model: ClassifierModel,
  batch: Batch,
  head: ModelHead,
  classes: readonly string[],
  topK: number | undefined,
): Promise<EvaluatedBatch> {
  const images = tf.tensor4d(batch.images, [...batch.shape]);
  const outputs = tf.tidy(() => applyModel(model, images, false));
  const scores = tf.tidy((): tf.Scalar[] => {
    const mean = head.loss(outputs, batch.labels, undefined, { classes, labelSmoothing: 0 });
    const topKHits = topK === undefined ? undefined : head.countTopK?.(outputs, batch.labels, topK);
    return [tf.mul(mean, batch.labels.length), ...(topKHits === undefined ? [] : [topKHits])];
  });
  try {
    const [readings, lossValue, topKValue] = await Promise.all([
      head.read(outputs, classes),
      ...scores.map((t) => t.data()),
    ]);
    let correct = 0;
    readings.predicted.forEach((p, i) => {
      if (p === batch.labels[i]) correct += 1;
    });
    return {
      lossSum: lossValue?.[0] ?? NaN,
      correct,
      size: batch.labels.length,
      predictions: readings.predicted,
      confidence: readings.confidence,
      readings: readings.labels,
      topKCorrect: topKValue?.[0],
    };
  } finally {
    tf.dispose([images, ...outputs, ...scores]);
  }
}
