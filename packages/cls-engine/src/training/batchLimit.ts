import { ClsError } from '@nextplay/cls-core';

/**
 * Batches to run from a split of `available` batches under a Lightning-style `limit_*_batches`: null → all; an
 * integer ≥ 1 → that many (so `1` means one batch); a fraction in (0, 1) → ceil(fraction · available).
 */
export function limitBatches(limit: number | null, available: number, key: string): number {
  if (limit === null) return available;
  if (Number.isInteger(limit) && limit >= 1) return Math.min(limit, available);
  if (limit > 0 && limit < 1) return Math.min(available, Math.max(1, Math.ceil(limit * available)));
  throw new ClsError(
    'CONFIG_INVALID',
    `trainer.${key} must be null, an integer ≥ 1 or a fraction in (0, 1); got ${limit}`,
  );
}

export function batchCount(size: number, batchSize: number): number {
  return Math.ceil(size / batchSize);
}
