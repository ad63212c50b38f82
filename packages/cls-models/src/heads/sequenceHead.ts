import * as tf from '@tensorflow/tfjs-core';
import { layers, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ClsError, type HeadBuildOptions, type HeadReadings, type ModelHead } from '@nextplay/cls-core';
import { applyLayer } from '../resnetLayers.js';
import { readColumns } from './ctcGreedyDecode.js';
import { CTC_CLASSES, ctcLoss } from './ctcLoss.js';
import { jerseyClasses, jerseyReadings } from './jerseyClasses.js';
import { jerseyHeadMetrics } from './jerseyHeadMetrics.js';
import { mixDigits } from './mixDigits.js';
import { sampleRows } from './readHeadOutputs.js';

const BLANK = 0;

function columnsOf(outputs: readonly tf.Tensor[]): tf.Tensor3D {
  const [columns] = outputs;
  if (columns?.rank !== 3) throw new Error('the sequence head reads one [batch, columns, 11] output');
  return columns as tf.Tensor3D;
}

/**
 * A scene-text head: the third stage's feature map (layer3, strided (2, 1) so its columns survive; no layer4) is
 * pooled over its height and each column is classified over blank + 10 digits (`columns` [N, W, 11]); trained
 * with CTC, read by greedy decoding. A two-digit number spans several columns, each seeing mostly its own digit.
 */
export const sequenceHead: ModelHead = {
  name: 'sequence',
  outputNames: ['columns'],
  features: 'columns',
  readsUnseenClasses: true,
  mirrorChangesClass: true,
  checkClasses(classes) {
    jerseyClasses(classes);
  },
  build(features: SymbolicTensor, options: HeadBuildOptions): SymbolicTensor[] {
    const [, height, width] = features.shape;
    if (typeof height !== 'number' || typeof width !== 'number') {
      throw new Error('sequence head: the feature map needs a static height and width');
    }
    let x = applyLayer(
      layers.averagePooling2d({ name: 'height_pool', poolSize: [height, 1], strides: [height, 1] }),
      features,
    );
    x = applyLayer(
      layers.reshape({ name: 'column_features', targetShape: [width, options.inputChannels] }),
      x,
    );
    if (options.dropout > 0) x = applyLayer(layers.dropout({ name: 'dropout', rate: options.dropout }), x);
    return [applyLayer(options.dense('columns', CTC_CLASSES, options.inputChannels), x)];
  },
  loss(outputs, labels, targets, options) {
    if (targets !== undefined) {
      throw new ClsError(
        'CONFIG_INVALID',
        'model.head=sequence learns digit sequences and cannot use soft class targets: remove mixup/cutmix from transforms.batch or use model.head=digits',
      );
    }
    const jersey = jerseyClasses(options.classes);
    const sequences = Array.from(labels, (c) => jersey.symbols[c] ?? []);
    const weights =
      options.classWeights === undefined
        ? undefined
        : Array.from(labels, (c) => options.classWeights?.[c] ?? 1);
    return ctcLoss(columnsOf(outputs), sequences, BLANK, weights);
  },
  countCorrect(outputs, labels, classes) {
    const jersey = jerseyClasses(classes);
    return tf.tidy(() => {
      // Greedy decoding on the device: the number emitted so far as a value and a digit count.
      const best = tf.argMax(columnsOf(outputs), -1);
      const [batch = 0, width = 0] = best.shape;
      let value: tf.Tensor = tf.zeros([batch]);
      let length: tf.Tensor = tf.zeros([batch]);
      let previous: tf.Tensor = tf.fill([batch], BLANK, 'int32');
      for (let t = 0; t < width; t++) {
        const symbol = tf.squeeze(tf.slice(best, [0, t], [batch, 1]), [1]);
        const emit = tf.logicalAnd(tf.notEqual(symbol, BLANK), tf.notEqual(symbol, previous));
        value = tf.where(emit, tf.add(tf.mul(value, 10), tf.sub(tf.cast(symbol, 'float32'), 1)), value);
        length = tf.add(length, tf.cast(emit, 'float32'));
        previous = symbol;
      }
      const index = tf.tensor1d(labels, 'int32');
      const digits = (symbols: readonly number[]) => symbols.reduce((v, s) => v * 10 + s - 1, 0);
      const trueValue = tf.gather(tf.tensor1d(jersey.symbols.map(digits)), index);
      const trueLength = tf.gather(tf.tensor1d(jersey.symbols.map((s) => s.length)), index);
      return tf.sum(
        tf.cast(tf.logicalAnd(tf.equal(value, trueValue), tf.equal(length, trueLength)), 'float32'),
      );
    });
  },
  async read(outputs, classes): Promise<HeadReadings> {
    const readings = (await sampleRows(columnsOf(outputs))).map((columns) => readColumns(columns));
    return jerseyReadings(readings, classes);
  },
  metrics: jerseyHeadMetrics,
  mixDigits,
  decoding: {
    outputs: ['columns'],
    columns:
      'logits [N, W, 11] over the feature columns, left to right: class 0 = CTC blank, k = digit k - 1',
    number: 'greedy CTC: argmax of each column, repeats collapsed, blanks removed; the digits left to right',
    confidence: 'product over the columns of the softmax probability of each argmax',
  },
};
