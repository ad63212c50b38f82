import { ClsError } from '@nextplay/cls-core';

/**
 * Training batches between validations under Lightning's `val_check_interval`: a fraction in (0, 1] of the
 * epoch's batches (at least one), or an integer > 1 of batches. 1 (or 1.0) means once, at the epoch's end.
 */
export function validationInterval(value: number, batchesPerEpoch: number): number {
  if (value > 0 && value <= 1) return Math.max(1, Math.floor(value * batchesPerEpoch));
  if (!Number.isInteger(value) || value < 1) {
    throw new ClsError(
      'CONFIG_INVALID',
      `trainer.val_check_interval must be a fraction in (0, 1] or an integer number of batches > 1; got ${value}`,
    );
  }
  if (value > batchesPerEpoch) {
    throw new ClsError(
      'CONFIG_INVALID',
      `trainer.val_check_interval=${value} is more than the ${batchesPerEpoch} training batches of an epoch`,
      { hint: 'use a fraction of the epoch, e.g. trainer.val_check_interval=0.5' },
    );
  }
  return value;
}
