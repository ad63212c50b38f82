import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';

/** Copies of the variables' current values, which later writes to the variables leave unchanged. */
export function copyWeights(variables: readonly LayerVariable[]): tf.Tensor[] {
  return tf.tidy(() => variables.map((variable) => variable.read().clone()));
}

/** `average * decay + weight * (1 - decay)` for each pair, as new tensors; the inputs are left as they are. */
export function lerpWeights(
  average: readonly tf.Tensor[],
  variables: readonly LayerVariable[],
  decay: number,
): tf.Tensor[] {
  return tf.tidy(() =>
    average.map((tensor, index) => {
      const current = variableAt(variables, index).read();
      return decay === 0 ? current.clone() : tf.add(tf.mul(tensor, decay), tf.mul(current, 1 - decay));
    }),
  );
}

/** Writes `values[i]` into `variables[i]`; the variables share the values' data, so nothing is copied. */
export function writeWeights(variables: readonly LayerVariable[], values: readonly tf.Tensor[]): void {
  for (const [index, value] of values.entries()) variableAt(variables, index).write(value);
}

function variableAt(variables: readonly LayerVariable[], index: number): LayerVariable {
  const variable = variables[index];
  if (variable === undefined) throw new Error(`no model weight at index ${String(index)}`);
  return variable;
}
