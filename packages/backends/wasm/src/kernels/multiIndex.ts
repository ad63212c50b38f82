/**
 * Steps the multi-index over axes [0, axes) (the last of them innermost) to the next position within `limits`, and
 * returns how far a flat offset with `strides` moves; undefined, with the index back at zero, after the last one.
 */
export function nextIndex(
  index: number[],
  axes: number,
  limits: readonly number[],
  strides: readonly number[],
): number | undefined {
  let move = 0;
  for (let d = axes - 1; d >= 0; d--) {
    const next = (index[d] ?? 0) + 1;
    if (next < (limits[d] ?? 1)) {
      index[d] = next;
      return move + (strides[d] ?? 0);
    }
    index[d] = 0;
    move -= (next - 1) * (strides[d] ?? 0);
  }
  return undefined;
}
