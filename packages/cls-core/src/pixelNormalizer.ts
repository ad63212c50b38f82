/** Maps 8-bit RGB to `(pixel / 255 - mean) / std` per channel, through a 3×256 lookup table. */
export function createPixelNormalizer(
  mean: readonly number[],
  std: readonly number[],
): (pixels: Uint8Array, target: Float32Array, offset: number) => void {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const m = mean[c] ?? 0;
    const s = std[c] ?? 1;
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - m) / s;
  }
  return (pixels, target, offset) => {
    for (let i = 0; i < pixels.length; i += 3) {
      target[offset + i] = table[pixels[i] ?? 0] ?? 0;
      target[offset + i + 1] = table[256 + (pixels[i + 1] ?? 0)] ?? 0;
      target[offset + i + 2] = table[512 + (pixels[i + 2] ?? 0)] ?? 0;
    }
  };
}
