import { createRandom } from '@nextplay/cls-core';

/**
 * `limit` distinct indices of `0..size-1` drawn with `seed` (all of them when `size <= limit`), ascending so
 * files are read in the split's order. The same arguments always give the same indices.
 */
export function sampleIndices(size: number, limit: number, seed: number): number[] {
  if (size <= limit) return Array.from({ length: size }, (_, i) => i);
  const random = createRandom(seed);
  const pool = Int32Array.from({ length: size }, (_, i) => i);
  // The first `limit` steps of a Fisher–Yates shuffle: a uniform sample without replacement.
  for (let i = 0; i < limit; i++) {
    const j = i + Math.floor(random() * (size - i));
    const picked = pool[j] ?? j;
    pool[j] = pool[i] ?? i;
    pool[i] = picked;
  }
  return Array.from(pool.subarray(0, limit)).sort((a, b) => a - b);
}
