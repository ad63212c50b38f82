import type * as tf from '@tensorflow/tfjs-core';
import { ClsError } from '@nextplay/cls-core';
import { CHECKPOINT_LIMITS } from './checkpointLimits.js';

const BYTES_PER_VALUE = 4;

/**
 * Checks the weight specs of a `model.json` manifest group or of a resume state (`what` says which, in errors) and
 * returns them with the bytes they take: each a `{name, shape, dtype}` with a string name, a shape of at most
 * `maxWeightRank` non-negative integers, dtype float32 or int32 (what cls saves; tfjs's string weights carry their
 * own lengths inside the data), no quantization; sizes are counted in BigInt and their total may not exceed
 * `maxWeightBytes`.
 */
export function checkWeightSpecs(
  specs: unknown,
  what: string,
): { readonly specs: tf.io.WeightsManifestEntry[]; readonly bytes: number } {
  const refuse = (rule: string): never => {
    throw new ClsError('CHECKPOINT_INVALID', `${what}: ${rule}`);
  };
  if (!Array.isArray(specs)) return refuse('the weight specs are not a list');
  let total = 0n;
  const checked = (specs as unknown[]).map((spec, i): tf.io.WeightsManifestEntry => {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      return refuse(`weight ${i} is not described by an object`);
    }
    const { name, shape, dtype, quantization } = spec as Record<string, unknown>;
    if (typeof name !== 'string') refuse(`weight ${i} has no name`);
    const label = `weight ${String(name)}`;
    if (typeof dtype !== 'string' || !CHECKPOINT_LIMITS.weightDtypes.includes(dtype)) {
      refuse(
        `${label} has dtype ${JSON.stringify(dtype)}; only ${CHECKPOINT_LIMITS.weightDtypes.join(' and ')} are allowed`,
      );
    }
    if (quantization !== undefined) refuse(`${label} is quantized, which cls does not write or read`);
    if (
      !Array.isArray(shape) ||
      shape.length > CHECKPOINT_LIMITS.maxWeightRank ||
      !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)
    ) {
      return refuse(
        `${label} has shape ${JSON.stringify(shape)}; a shape is a list of at most ${CHECKPOINT_LIMITS.maxWeightRank} non-negative integers`,
      );
    }
    total += (shape as number[]).reduce((bytes, d) => bytes * BigInt(d), BigInt(BYTES_PER_VALUE));
    if (total > BigInt(CHECKPOINT_LIMITS.maxWeightBytes)) {
      refuse(`the weights take more than ${CHECKPOINT_LIMITS.maxWeightBytes} bytes`);
    }
    return { name: name as string, shape: [...(shape as number[])], dtype: dtype as 'float32' | 'int32' };
  });
  return { specs: checked, bytes: Number(total) };
}
