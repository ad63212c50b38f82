import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ClsError } from '@nextplay/cls-core';
import { runOnnxModel } from './runOnnxModel.js';

export interface OnnxVerification {
  readonly maxAbsDiff: number;
  readonly maxAbsLogit: number;
  /** `1e-4 × maxAbsLogit + 1e-5`: the largest difference accepted. */
  readonly tolerance: number;
  readonly batch: number;
}

export interface VerifyOptions {
  /** Images in the check batch; default 2 (not 1, so the dynamic batch axis is exercised). */
  readonly batch?: number;
  readonly seed?: number;
}

/**
 * Runs the exported model once in onnxruntime and the tfjs model on the same random image batch (NCHW for ONNX,
 * the same values NHWC for tfjs) and compares the logits. Throws a ClsError when the largest difference exceeds
 * `1e-4 × max|logit| + 1e-5`.
 */
export async function verifyOnnxExport(
  model: LayersModel,
  onnx: Uint8Array,
  options: VerifyOptions = {},
): Promise<OnnxVerification> {
  const batch = options.batch ?? 2;
  const shape = model.inputs[0]?.shape ?? [];
  const [height, width, channels] = [shape[1] ?? 0, shape[2] ?? 0, shape[3] ?? 0];
  const nchw = tf.randomNormal([batch, channels, height, width], 0, 1, 'float32', options.seed ?? 0);
  const predicted = tf.tidy(() => model.predict(tf.transpose(nchw, [0, 2, 3, 1])));
  const expected = await flatOutputs(predicted);
  tf.dispose(predicted);
  const data = (await nchw.data()).slice() as Float32Array;
  nchw.dispose();

  const actual = (await runOnnxModel(onnx, data, [batch, channels, height, width])).logits;
  if (actual.length !== expected.length) {
    throw new ClsError(
      'CONFIG_INVALID',
      `ONNX export check: onnxruntime gave ${actual.length} logits, TensorFlow.js ${expected.length}`,
    );
  }
  let maxAbsDiff = 0;
  let maxAbsLogit = 0;
  expected.forEach((value, i) => {
    maxAbsDiff = Math.max(
      maxAbsDiff,
      Math.abs(value - (actual[i] ?? NaN)) || (Number.isNaN(actual[i]) ? Infinity : 0),
    );
    maxAbsLogit = Math.max(maxAbsLogit, Math.abs(value));
  });
  const tolerance = 1e-4 * maxAbsLogit + 1e-5;
  if (!(maxAbsDiff <= tolerance)) {
    throw new ClsError(
      'CONFIG_INVALID',
      `ONNX export check failed: onnxruntime and TensorFlow.js logits differ by up to ${maxAbsDiff.toExponential(3)} (allowed ${tolerance.toExponential(3)})`,
    );
  }
  return { maxAbsDiff, maxAbsLogit, tolerance, batch };
}

/** Every output's values, one output after the other, as `runOnnxModel` gives `logits`. */
export async function flatOutputs(outputs: tf.Tensor | tf.Tensor[]): Promise<Float32Array> {
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const values = new Float32Array(list.reduce((n, t) => n + t.size, 0));
  let offset = 0;
  for (const output of list) {
    values.set(await output.data(), offset);
    offset += output.size;
  }
  return values;
}
