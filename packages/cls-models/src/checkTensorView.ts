import { ClsError } from '@nextplay/cls-core';
import { WEIGHTS_FILE_LIMITS } from './weightsFileLimits.js';

/** A strided view of a storage, as `torch._utils._rebuild_tensor_v2` describes a tensor. */
export interface TensorView {
  readonly offset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
}

/**
 * Checks that a tensor view fits its storage of `storageValues` values for every index, and returns its number of
 * values: shape, strides and offset are non-negative integers (one stride per dimension, at most `maxTensorRank`),
 * the furthest element (offset + Σ (size − 1) · stride, in BigInt) lies inside the storage, and the view has no more
 * values than its storage: a stride-0 or overlapping view repeating values (a 65536×65536 view of one float) would
 * make a tiny file allocate gigabytes. `what` names the tensor in errors.
 */
export function checkTensorView(view: TensorView, storageValues: number, what: string): number {
  const fail = (rule: string): never => {
    throw new ClsError('CHECKPOINT_INVALID', `refusing to load ${what}: ${rule}`);
  };
  const { offset, shape, stride } = view;
  if (shape.length > WEIGHTS_FILE_LIMITS.maxTensorRank) {
    fail(`the tensor has ${shape.length} dimensions, more than ${WEIGHTS_FILE_LIMITS.maxTensorRank}`);
  }
  if (stride.length !== shape.length)
    fail(`the tensor has ${shape.length} dimensions but ${stride.length} strides`);
  if (!isCount(offset)) fail(`the storage offset ${offset} is not a non-negative integer`);
  if (!shape.every(isCount)) fail(`the shape [${shape.join(', ')}] is not of non-negative integers`);
  if (!stride.every(isCount)) fail(`the strides [${stride.join(', ')}] are not non-negative integers`);
  let count = 1n;
  let furthest = BigInt(offset);
  shape.forEach((size, axis) => {
    count *= BigInt(size);
    if (size > 0) furthest += BigInt(size - 1) * BigInt(stride[axis] ?? 0);
  });
  if (count === 0n) return 0;
  if (furthest >= BigInt(storageValues)) {
    fail(
      `the view [${shape.join(', ')}] reaches element ${furthest}, past the ${storageValues} of its storage`,
    );
  }
  if (count > BigInt(storageValues)) {
    fail(
      `the view [${shape.join(', ')}] has ${count} values, more than the ${storageValues} of its storage ` +
        '(a stride-0 or overlapping view repeating values)',
    );
  }
  return Number(count);
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
