import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ClsError } from '@nextplay/cls-core';
import { flatOutputs, runOnnxModel } from '@nextplay/cls-onnx';
import type { ComparisonBatch } from './comparisonBatch.js';

/** How closely the exported graph reproduces the TensorFlow.js model on real images. */
export interface OnnxComparison {
  /** Largest |ONNX Runtime logit − TensorFlow.js logit| over the batch. */
  readonly maxAbsDiff: number;
  readonly maxAbsLogit: number;
  /** `1e-4 × maxAbsLogit + 1e-5`, the bound `cls export` holds exports to. */
  readonly tolerance: number;
  /** Fraction of images read the same in both: the same argmax in every output row (class, digit, column). */
  readonly argmaxAgreement: number;
}

/**
 * Runs `model.predict` on the batch (NHWC) and the ONNX graph in ONNX Runtime on the same values (NCHW) and
 * compares the logits. Throws a ClsError when they differ by more than the tolerance: such a file is not written.
 */
export async function compareWithTfjs(
  model: LayersModel,
  onnx: Uint8Array,
  batch: ComparisonBatch,
): Promise<OnnxComparison> {
  const [count, height, width, channels] = batch.shape;
  const { predicted, transposed } = tf.tidy(() => {
    const images = tf.tensor4d(batch.nhwc, [count, height, width, channels]);
    return { predicted: model.predict(images), transposed: tf.transpose(images, [0, 3, 1, 2]) };
  });
  const expected = await flatOutputs(predicted);
  const nchw = (await transposed.data()).slice() as Float32Array;
  tf.dispose([predicted, transposed].flat());
  const { logits: actual, outputs } = await runOnnxModel(onnx, nchw, [count, channels, height, width]);
  if (actual.length !== expected.length || expected.length % count !== 0) {
    throw new ClsError(
      'PLUGIN_FAILED',
      `ONNX export check: ONNX Runtime gave ${actual.length} logits, TensorFlow.js ${expected.length}`,
    );
  }
  let maxAbsDiff = 0;
  let maxAbsLogit = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs((expected[i] ?? NaN) - (actual[i] ?? NaN));
    maxAbsDiff = Number.isNaN(diff) ? Infinity : Math.max(maxAbsDiff, diff);
    maxAbsLogit = Math.max(maxAbsLogit, Math.abs(expected[i] ?? 0));
  }
  const agreeing = countAgreeing(expected, actual, outputs, count);
  const tolerance = 1e-4 * maxAbsLogit + 1e-5;
  if (!(maxAbsDiff <= tolerance)) {
    throw new ClsError(
      'PLUGIN_FAILED',
      `ONNX export check failed: ONNX Runtime and TensorFlow.js logits differ by up to ${maxAbsDiff.toExponential(3)} on ${count} ${batch.split ?? 'random'} images (allowed ${tolerance.toExponential(3)})`,
    );
  }
  return { maxAbsDiff, maxAbsLogit, tolerance, argmaxAgreement: agreeing / count };
}

/** Images whose every output row (the last axis of each output) has the same argmax in both value lists. */
function countAgreeing(
  expected: Float32Array,
  actual: Float32Array,
  outputs: readonly { readonly data: Float32Array; readonly dims: readonly number[] }[],
  count: number,
): number {
  const agrees = Array.from({ length: count }, () => true);
  let offset = 0;
  for (const output of outputs) {
    const width = output.dims.at(-1) ?? 1;
    const rowsPerImage = output.data.length / count / width;
    for (let row = 0; row < output.data.length / width; row++) {
      const start = offset + row * width;
      const [a, b] = [expected, actual].map((values) => values.subarray(start, start + width));
      if (argmax(a ?? []) !== argmax(b ?? [])) agrees[Math.floor(row / rowsPerImage)] = false;
    }
    offset += output.data.length;
  }
  return agrees.filter(Boolean).length;
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}
