import type * as tf from '@tensorflow/tfjs-core';

/** One output's values on the host, split into one row per sample (of `rowsPerSample` rows of `width`). */
export async function sampleRows(output: tf.Tensor): Promise<Float32Array[][]> {
  const [batch = 0, ...rest] = output.shape;
  const width = rest.at(-1) ?? 1;
  const rowsPerSample = rest.length > 1 ? (rest[0] ?? 1) : 1;
  const values = (await output.data()) as Float32Array;
  return Array.from({ length: batch }, (_, n) =>
    Array.from({ length: rowsPerSample }, (_, r) => {
      const start = (n * rowsPerSample + r) * width;
      return values.subarray(start, start + width);
    }),
  );
}
