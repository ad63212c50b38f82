/** target[o·rows + r] = source[r·cols + o] for an rows×cols block, tiled for cache locality. */
export function transposeBlock(
  source: Float32Array,
  sourceOffset: number,
  rows: number,
  cols: number,
  target: Float32Array,
  targetOffset: number,
): void {
  const tile = 32;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(rows, r0 + tile);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = Math.min(cols, c0 + tile);
      for (let r = r0; r < r1; r++) {
        const s = sourceOffset + r * cols;
        for (let c = c0; c < c1; c++) target[targetOffset + c * rows + r] = source[s + c] ?? 0;
      }
    }
  }
}
