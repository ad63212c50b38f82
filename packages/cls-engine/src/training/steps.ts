import * as tf from '@tensorflow/tfjs-core';
import type { Batch, ClassifierModel, Optimizer, TrainableParameter } from '@nextplay/cls-core';

/** Summed (not averaged) loss and correct predictions of one batch, read back to the host. */
export interface BatchOutcome {
  readonly lossSum: number;
  readonly correct: number;
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
    const targets = tf.cast(tf.oneHot(labels, numClasses), 'float32') as tf.Tensor2D;
    return { images, targets, labels };
  });
}

function countCorrect(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'float32'));
}

/**
 * One optimizer step: mean softmax cross-entropy over the batch with the model in training mode (batch-norm
 * uses and updates batch statistics), gradients of every trainable parameter, then `optimizer.step`.
 */
export async function trainStep(
  model: ClassifierModel,
  parameters: readonly TrainableParameter[],
  optimizer: Optimizer,
  batch: Batch,
  numClasses: number,
  lr: number,
): Promise<BatchOutcome> {
  const { images, targets, labels } = batchTensors(batch, numClasses);
  const counted: { correct: tf.Scalar | undefined } = { correct: undefined };
  let loss: tf.Scalar | undefined;
  try {
    const variables = parameters.map((p) => p.variable);
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(images, { training: true }) as tf.Tensor;
      counted.correct = tf.keep(countCorrect(logits, labels));
      return tf.losses.softmaxCrossEntropy(targets, logits);
    }, variables);
    loss = value;
    try {
      optimizer.step(
        parameters,
        variables.map((v) => {
          const gradient = grads[v.name];
          if (gradient === undefined) throw new Error(`no gradient for parameter ${v.name}`);
          return gradient;
        }),
        lr,
      );
    } finally {
      tf.dispose(grads);
    }
    const correct = counted.correct;
    if (correct === undefined) throw new Error('the model was not applied');
    const [lossValue, correctValue] = await Promise.all([loss.data(), correct.data()]);
    const size = batch.labels.length;
    return { lossSum: (lossValue[0] ?? NaN) * size, correct: correctValue[0] ?? 0, size };
  } finally {
    tf.dispose([images, targets, labels]);
    if (loss !== undefined) loss.dispose();
    counted.correct?.dispose();
  }
}

/** Loss and accuracy of one batch in inference mode (batch-norm uses its moving statistics). */
export async function evaluateBatch(
  model: ClassifierModel,
  batch: Batch,
  numClasses: number,
): Promise<BatchOutcome> {
  const { images, targets, labels } = batchTensors(batch, numClasses);
  const [lossSum, correct] = tf.tidy((): [tf.Scalar, tf.Scalar] => {
    const logits = model.apply(images, { training: false }) as tf.Tensor;
    const losses = tf.losses.softmaxCrossEntropy(targets, logits, undefined, undefined, tf.Reduction.NONE);
    return [tf.sum(losses), countCorrect(logits, labels)];
  });
  try {
    const [lossValue, correctValue] = await Promise.all([lossSum.data(), correct.data()]);
    return { lossSum: lossValue[0] ?? NaN, correct: correctValue[0] ?? 0, size: batch.labels.length };
  } finally {
    tf.dispose([images, targets, labels, lossSum, correct]);
  }
}
