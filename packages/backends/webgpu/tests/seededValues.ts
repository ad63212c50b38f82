/**
 * Reproducible values in [offset − scale, offset + scale) from a linear congruential generator, so that each
 * backend under comparison builds its tensors from the same numbers.
 */
export function seededValues(size: number, seed: number, scale = 1, offset = 0): Float32Array {
  let state = seed;
  return Float32Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return offset + scale * (state / 1073741824 - 1);
  });
}
