import * as tf from '@tensorflow/tfjs-core';

/** Classes of a sequence head's columns: the blank (0) and the digits 0–9 (1–10). */
export const CTC_CLASSES = 11;

/** Stands in for log(0): finite so that masked paths give zero gradients instead of NaN. */
const LOG_ZERO = -1e9;

/**
 * `torch.nn.functional.ctc_loss(log_softmax(logits), targets, reduction='mean', blank)` for short label
 * sequences, in log space with differentiable tf ops. `logits` is [batch, columns, classes]; each label is a
 * sequence of class indices (never the blank). The mean divides each sample's loss by its label length, then
 * averages over the batch, as torch does. With `weights` (one per sample) the average is weighted: Σ wᵢ·lossᵢ / Σ wᵢ.
 */
export function ctcLoss(
  logits: tf.Tensor3D,
  labels: readonly (readonly number[])[],
  blank = 0,
  weights?: readonly number[],
): tf.Scalar {
  const [batch, columns, classes] = logits.shape;
  if (labels.length !== batch)
    throw new RangeError(`ctcLoss: ${labels.length} labels for a batch of ${batch}`);
  if (labels.some((label) => label.length === 0)) throw new RangeError('ctcLoss: every label needs a symbol');
  const maxLength = Math.max(...labels.map((label) => label.length));
  const states = 2 * maxLength + 1;
  // The extended label: blank, l1, blank, l2, …, blank, padded with blanks.
  const extended: number[][] = labels.map((label) =>
    Array.from({ length: states }, (_, s) => (s % 2 === 1 ? (label[(s - 1) / 2] ?? blank) : blank)),
  );
  const skipAllowed = extended.map((row) =>
    row.map((symbol, s) => (s >= 2 && symbol !== blank && symbol !== row[s - 2] ? 0 : LOG_ZERO)),
  );
  const stepAllowed = extended.map((row) => row.map((_, s) => (s >= 1 ? 0 : LOG_ZERO)));
  const initial = Array.from({ length: batch }, () =>
    Array.from({ length: states }, (_, s) => (s < 2 ? 0 : LOG_ZERO)),
  );
  const final = labels.map((label) =>
    Array.from({ length: states }, (_, s) =>
      s === 2 * label.length || s === 2 * label.length - 1 ? 0 : LOG_ZERO,
    ),
  );
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const selector = tf.cast(tf.oneHot(tf.tensor2d(extended, [batch, states], 'int32'), classes), 'float32');
    // emissions[n, t, s] = log p_t(extended[n][s])
    const emissions = tf.matMul<tf.Tensor3D>(logProbs, selector, false, true);
    const skipMask = tf.tensor2d(skipAllowed);
    const stepMask = tf.tensor2d(stepAllowed);
    const shift = (alpha: tf.Tensor2D, by: number): tf.Tensor2D =>
      tf.concat([tf.fill([batch, by], LOG_ZERO), tf.slice(alpha, [0, 0], [batch, states - by])], 1);
    let alpha = tf.add<tf.Tensor2D>(
      tf.tensor2d(initial),
      tf.squeeze(tf.slice(emissions, [0, 0, 0], [batch, 1, states]), [1]),
    );
    for (let t = 1; t < columns; t += 1) {
      const previous = tf.stack(
        [alpha, tf.add(shift(alpha, 1), stepMask), tf.add(shift(alpha, 2), skipMask)],
        2,
      );
      const emission = tf.squeeze(tf.slice(emissions, [0, t, 0], [batch, 1, states]), [1]);
      alpha = tf.add<tf.Tensor2D>(tf.logSumExp(previous, 2), emission);
    }
    const logLikelihood = tf.logSumExp(tf.add(alpha, tf.tensor2d(final)), 1);
    const lengths = tf.tensor1d(labels.map((label) => label.length));
    const perSample = tf.div(tf.neg(logLikelihood), lengths);
    if (weights === undefined) return tf.mean(perSample);
    const w = tf.tensor1d([...weights]);
    return tf.div(tf.sum(tf.mul(perSample, w)), tf.sum(w));
  });
}
