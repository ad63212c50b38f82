import * as tf from '@tensorflow/tfjs-core';
import { layers, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { HeadBuildOptions, HeadLossOptions, HeadReadings, ModelHead } from '@nextplay/cls-core';
import { applyLayer } from '../resnetLayers.js';
import { decodeDigits } from './decodeDigits.js';
import { TENS_CLASSES, UNITS_CLASSES } from './digitsLoss.js';
import { jerseyClasses, jerseyReadings } from './jerseyClasses.js';
import { jerseyHeadMetrics } from './jerseyHeadMetrics.js';
import { mixDigits } from './mixDigits.js';
import { sampleRows } from './readHeadOutputs.js';

function digitsOf(outputs: readonly tf.Tensor[]): [tf.Tensor2D, tf.Tensor2D] {
  const [tens, units] = outputs;
  if (tens?.rank !== 2 || units?.rank !== 2)
    throw new Error('the digits head reads two outputs, tens and units');
  return [tens as tf.Tensor2D, units as tf.Tensor2D];
}

/** Per-sample cross-entropy against soft targets with torch's label smoothing ε: [batch]. */
function softCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor, smoothing: number): tf.Tensor1D {
  const classes = logits.shape[1];
  const smoothed = smoothing > 0 ? tf.add(tf.mul(targets, 1 - smoothing), smoothing / classes) : targets;
  return tf.neg(tf.sum<tf.Tensor1D>(tf.mul(smoothed, tf.logSoftmax(logits)), 1));
}

/** The class targets of a batch: soft ones as given, else one-hot labels. */
function classTargets(labels: Int32Array, targets: tf.Tensor2D | undefined, classes: number): tf.Tensor2D {
  return targets ?? (tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 'float32') as tf.Tensor2D);
}

/**
 * Two classifiers on the pooled features, as public jersey-number models use: `tens` (none, 0–9) and `units`
 * (0–9). The loss is the sum of both cross-entropies (label smoothing applies to both); soft class targets (mixup,
 * cutmix) become soft digit targets. A reading is the most likely tens and units, its confidence their product.
 */
export const digitsHead: ModelHead = {
  name: 'digits',
  outputNames: ['tens', 'units'],
  features: 'pooled',
  readsUnseenClasses: true,
  mirrorChangesClass: true,
  checkClasses(classes) {
    jerseyClasses(classes);
  },
  build(features: SymbolicTensor, options: HeadBuildOptions): SymbolicTensor[] {
    let x = applyLayer(layers.globalAveragePooling2d({ name: 'avgpool' }), features);
    if (options.dropout > 0) x = applyLayer(layers.dropout({ name: 'dropout', rate: options.dropout }), x);
    return [
      applyLayer(options.dense('tens', TENS_CLASSES, options.inputChannels), x),
      applyLayer(options.dense('units', UNITS_CLASSES, options.inputChannels), x),
    ];
  },
  loss(outputs, labels, targets, options: HeadLossOptions) {
    const [tens, units] = digitsOf(outputs);
    const jersey = jerseyClasses(options.classes);
    return tf.tidy(() => {
      const perClass = classTargets(labels, targets, options.classes.length);
      const tensTargets = tf.matMul(
        perClass,
        tf.oneHot(tf.tensor1d([...jersey.tens], 'int32'), TENS_CLASSES),
      );
      const unitsTargets = tf.matMul(
        perClass,
        tf.oneHot(tf.tensor1d([...jersey.units], 'int32'), UNITS_CLASSES),
      );
      const perSample = tf.add<tf.Tensor1D>(
        softCrossEntropy(tens, tensTargets, options.labelSmoothing),
        softCrossEntropy(units, unitsTargets, options.labelSmoothing),
      );
      return weightedMean(perSample, labels, options.classWeights, targets === undefined);
    });
  },
  countCorrect(outputs, labels, classes) {
    const [tens, units] = digitsOf(outputs);
    const jersey = jerseyClasses(classes);
    return tf.tidy(() => {
      const index = tf.tensor1d(labels, 'int32');
      const tensRight = tf.equal(
        tf.argMax(tens, -1),
        tf.gather(tf.tensor1d([...jersey.tens], 'int32'), index),
      );
      const unitsRight = tf.equal(
        tf.argMax(units, -1),
        tf.gather(tf.tensor1d([...jersey.units], 'int32'), index),
      );
      return tf.sum(tf.cast(tf.logicalAnd(tensRight, unitsRight), 'float32'));
    });
  },
  async read(outputs, classes): Promise<HeadReadings> {
    const [tens, units] = digitsOf(outputs);
    const [tensRows, unitsRows] = await Promise.all([sampleRows(tens), sampleRows(units)]);
    const readings = tensRows.map((rows, n) => decodeDigits(rows[0] ?? [], unitsRows[n]?.[0] ?? []));
    return jerseyReadings(readings, classes);
  },
  metrics: jerseyHeadMetrics,
  mixDigits,
  decoding: {
    outputs: ['tens', 'units'],
    tens: 'logits over 11 classes: 0 = no tens digit, k = digit k - 1',
    units: 'logits over 10 classes: k = digit k',
    number: 'argmax of tens (its digit, if any) followed by argmax of units: "7", "07", "23"',
    confidence: 'softmax probability of the tens argmax times that of the units argmax',
  },
};

/**
 * Σ wᵢ·lossᵢ / Σ wᵢ with wᵢ the weight of sample i's class (1 without class weights) for class labels; the same sum
 * over the batch size for soft targets, as torch's weighted cross-entropy divides.
 */
export function weightedMean(
  perSample: tf.Tensor1D,
  labels: Int32Array,
  classWeights: readonly number[] | undefined,
  hardLabels: boolean,
): tf.Scalar {
  if (classWeights === undefined) return tf.mean(perSample);
  const weights = tf.gather(tf.tensor1d([...classWeights]), tf.tensor1d(labels, 'int32'));
  const total = tf.sum(tf.mul(perSample, weights));
  return hardLabels ? tf.div(total, tf.sum(weights)) : tf.div(total, labels.length);
}
