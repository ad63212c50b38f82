import * as tf from '@tensorflow/tfjs-core';
import { layers, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { definePlugin, type HeadReadings, type ModelHead } from '@nextplay/cls-core';
import { ENGINE_PACKAGE } from '../enginePackage.js';
import { crossEntropy } from '../training/crossEntropy.js';
import { labelCrossEntropy } from '../training/labelCrossEntropy.js';

function applied(layer: { apply: (x: SymbolicTensor) => unknown }, x: SymbolicTensor): SymbolicTensor {
  const output = layer.apply(x);
  if (!(output instanceof SymbolicTensor)) throw new Error('a head layer did not return one symbolic tensor');
  return output;
}

function logitsOf(outputs: readonly tf.Tensor[]): tf.Tensor2D {
  const [logits] = outputs;
  if (logits?.rank !== 2) throw new Error('the linear head reads one [batch, classes] output');
  return logits as tf.Tensor2D;
}

/** Soft targets (mixup, cutmix) cover the dataset's classes; a wider classifier's extra classes get 0. */
function paddedTargets(targets: tf.Tensor2D, numClasses: number): tf.Tensor2D {
  return tf.pad(targets, [
    [0, 0],
    [0, numClasses - targets.shape[1]],
  ]);
}

/**
 * The classic classifier: one `fc` over the globally pooled features, a logit per class, trained with torch's
 * cross-entropy (label smoothing, class weights, soft targets); a reading is the argmax and its softmax
 * probability.
 */
export const linearHead: ModelHead = {
  name: 'linear',
  outputNames: ['logits'],
  features: 'pooled',
  readsUnseenClasses: false,
  mirrorChangesClass: false,
  checkClasses() {
    // Any class name will do: classes are indices.
  },
  build(features, options) {
    let x = applied(layers.globalAveragePooling2d({ name: 'avgpool' }), features);
    if (options.dropout > 0) x = applied(layers.dropout({ name: 'dropout', rate: options.dropout }), x);
    return [applied(options.dense('fc', options.numClasses, options.inputChannels), x)];
  },
  loss(outputs, labels, targets, options) {
    const logits = logitsOf(outputs);
    const numClasses = logits.shape[1];
    return tf.tidy(() => {
      // Soft targets carry their own smoothing (timm's SoftTargetCrossEntropy).
      if (targets !== undefined) {
        return crossEntropy(logits, paddedTargets(targets, numClasses), {
          ...options,
          labelSmoothing: 0,
          hardLabels: false,
        });
      }
      if (options.classWeights === undefined)
        return labelCrossEntropy(logits, labels, options.labelSmoothing);
      const oneHot = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses), 'float32') as tf.Tensor2D;
      return crossEntropy(logits, oneHot, { ...options, hardLabels: true });
    });
  },
  countCorrect(outputs, labels) {
    return tf.tidy(() =>
      tf.sum(tf.cast(tf.equal(tf.argMax(logitsOf(outputs), -1), tf.tensor1d(labels, 'int32')), 'float32')),
    );
  },
  countTopK(outputs, labels, k) {
    return countTopK(logitsOf(outputs), tf.tensor1d(labels, 'int32'), k);
  },
  async read(outputs, classes): Promise<HeadReadings> {
    const logits = logitsOf(outputs);
    const predicted = tf.argMax(logits, -1);
    const confidence = tf.tidy(() => tf.max(tf.softmax(logits), -1));
    try {
      const [indices, probabilities] = await Promise.all([predicted.data(), confidence.data()]);
      const classIndex = Int32Array.from(indices);
      return {
        predicted: classIndex,
        confidence: Float32Array.from(probabilities),
        labels: Array.from(classIndex, (c) => classes[c] ?? String(c)),
      };
    } finally {
      tf.dispose([predicted, confidence]);
    }
  },
  metrics(readings, targets, classes, trainClassCounts) {
    // Only with classes that train lacks (val/test-only folders): a linear head never learned them.
    let unseen = 0;
    let right = 0;
    Array.from(targets).forEach((c, i) => {
      if ((trainClassCounts[c] ?? 0) > 0) return;
      unseen += 1;
      if (readings[i] === classes[c]) right += 1;
    });
    return unseen === 0 ? {} : { acc_unseen: right / unseen };
  },
  decoding: {
    outputs: ['logits'],
    logits: 'one logit per class, in the order of classes',
    class: 'argmax of logits',
    confidence: 'softmax probability of the argmax',
  },
};

/** Samples whose label is among the `k` largest logits (ties broken toward the lower class index). */
export function countTopK(logits: tf.Tensor2D, labels: tf.Tensor1D, k: number): tf.Scalar {
  return tf.tidy(() => {
    const { indices } = tf.topk(logits, k);
    return tf.sum(tf.cast(tf.equal(indices, tf.expandDims(labels, 1)), 'float32'));
  });
}

export const linearHeadPlugin = definePlugin<'head', Record<string, never>>({
  kind: 'head',
  name: 'linear',
  package: ENGINE_PACKAGE,
  description: 'One logit per class from the pooled features (torchvision fc), softmax cross-entropy.',
  optionsSchema: { type: 'object', properties: {}, additionalProperties: false },
  create: () => linearHead,
});
