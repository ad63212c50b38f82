import * as tf from '@tensorflow/tfjs-core';
import type { Batch, ClassifierModel, TrainableParameter } from '@nextplay/cls-core';
import { crossEntropy } from './crossEntropy.js';

/** Summed (not averaged) loss and correct predictions of one batch, read back to the host. */
export interface BatchOutcome {
  readonly lossSum: number;
  readonly correct: number;
  readonly size: number;
}

/** An evaluated batch: its outcome, the predicted class of every sample and, with ≥ `k` classes, top-k hits. */
export interface EvaluatedBatch extends BatchOutcome {
  readonly predictions: Int32Array;
  /** The softmax probability of each sample's predicted class. */
  readonly confidence: Float32Array;
  /** Samples whose label is among the `topK` largest logits; undefined when the model has fewer classes. */
  readonly topKCorrect: number | undefined;
}

/** How the training loss is formed. */
export interface TrainLoss {
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

function batchTensors(
  batch: Batch,
  numClasses: number,
): { images: tf.Tensor4D; targets: tf.Tensor2D; labels: tf.Tensor1D } {
  return tf.tidy(() => {
    const images = tf.tensor4d(batch.images, [...batch.shape]);
    const labels = tf.tensor1d(batch.labels, 'int32');
    if (batch.targets !== undefined) {
      // Soft targets (mixup, cutmix) over the dataset's classes; a larger head's extra classes get 0.
      const n = batch.labels.length;
      const soft = tf.tensor2d(batch.targets, [n, batch.targets.length / n]);
      const targets = tf.pad(soft, [
        [0, 0],
        [0, numClasses - soft.shape[1]],
      ]);
      return { images, targets, labels };
    }
    const targets = tf.cast(tf.oneHot(labels, numClasses), 'float32') as tf.Tensor2D;
    return { images, targets, labels };
  });
}

function countCorrect(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'float32'));
}

/** Samples whose label is among the `k` largest logits (ties broken toward the lower class index). */
export function countTopK(logits: tf.Tensor2D, labels: tf.Tensor1D, k: number): tf.Scalar {
  return tf.tidy(() => {
    const { indices } = tf.topk(logits, k);
    return tf.sum(tf.cast(tf.equal(indices, tf.expandDims(labels, 1)), 'float32'));
  });
}

/**
 * Forward and backward pass of one batch with the model in training mode (batch-norm uses and updates batch
 * statistics): mean softmax cross-entropy, gradients of every variable in `variables`.
 */
export function computeGradients(
  model: ClassifierModel,
  variables: readonly tf.Variable[],
  batch: Batch,
  numClasses: number,
  loss: TrainLoss,
): BatchGradients {
  const { images, targets, labels } = batchTensors(batch, numClasses);
  const kept: { correct: tf.Scalar | undefined; loss: tf.Scalar | undefined } = {
    correct: undefined,
    loss: undefined,
  };
  try {
    const { value, grads } = tf.variableGrads((): tf.Scalar => {
      const logits = model.apply(images, { training: true }) as tf.Tensor;
      kept.correct = tf.keep(countCorrect(logits, labels));
      // Soft targets carry their own smoothing (timm's SoftTargetCrossEntropy).
      const mean: tf.Scalar =
        batch.targets !== undefined
          ? crossEntropy(logits as tf.Tensor2D, targets, { ...loss, labelSmoothing: 0, hardLabels: false })
          : loss.classWeights === undefined
            ? tf.losses.softmaxCrossEntropy(targets, logits, undefined, loss.labelSmoothing)
            : crossEntropy(logits as tf.Tensor2D, targets, { ...loss, hardLabels: true });
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
    tf.dispose([images, targets, labels]);
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

/** Loss, predictions and top-k hits of one batch in inference mode (batch-norm uses its moving statistics). */
export async function evaluateBatch(
  model: ClassifierModel,
  batch: Batch,
  numClasses: number,
  topK: number,
): Promise<EvaluatedBatch> {
  const { images, targets, labels } = batchTensors(batch, numClasses);
  const withTopK = numClasses >= topK;
  const outputs = tf.tidy((): tf.Tensor[] => {
    const logits = model.apply(images, { training: false }) as tf.Tensor2D;
    const losses = tf.losses.softmaxCrossEntropy(targets, logits, undefined, undefined, tf.Reduction.NONE);
    const predicted = tf.argMax(logits, -1);
    const confidence = tf.max(tf.softmax(logits), -1);
    return [tf.sum(losses), predicted, confidence, ...(withTopK ? [countTopK(logits, labels, topK)] : [])];
  });
  try {
    const [lossValue, predicted, confidence, topKValue] = await Promise.all(outputs.map((t) => t.data()));
    const predictions = Int32Array.from(predicted ?? []);
    let correct = 0;
    predictions.forEach((p, i) => {
      if (p === batch.labels[i]) correct += 1;
    });
    return {
      lossSum: lossValue?.[0] ?? NaN,
      correct,
      size: batch.labels.length,
      predictions,
      confidence: Float32Array.from(confidence ?? []),
      topKCorrect: topKValue?.[0],
    };
  } finally {
    tf.dispose([images, targets, labels, ...outputs]);
  }
}
