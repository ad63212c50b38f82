import type { RawImage } from '@nextplay/cls-core';

/** torchvision's `_get_gaussian_kernel1d`. */
export function gaussianKernel(size: number, sigma: number): Float64Array {
  const half = (size - 1) * 0.5;
  const kernel = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = -half + i;
    const v = Math.exp(-0.5 * (x / sigma) ** 2);
    kernel[i] = v;
    sum += v;
  }
  for (let i = 0; i < size; i++) kernel[i] = (kernel[i] ?? 0) / sum;
  return kernel;
}

/** Reflects an index into [0, n) without repeating the edge (torch's `reflect` padding). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const k = ((i % period) + period) % period;
  return k < n ? k : period - k;
}

/** torchvision's `F.gaussian_blur`: a separable Gaussian of `[kx, ky]` taps and `[sx, sy]` sigmas, reflect-padded. */
export function gaussianBlur(
  image: RawImage,
  kernelSize: readonly [number, number],
  sigma: readonly [number, number],
): RawImage {
  const { data, width, height, channels } = image;
  const kx = gaussianKernel(kernelSize[0], sigma[0]);
  const ky = gaussianKernel(kernelSize[1], sigma[1]);
  const hx = kernelSize[0] >> 1;
  const hy = kernelSize[1] >> 1;
  const rows = new Float64Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let i = 0; i < kx.length; i++) {
          sum += (kx[i] ?? 0) * (data[(y * width + reflect(x + i - hx, width)) * channels + c] ?? 0);
        }
        rows[(y * width + x) * channels + c] = sum;
      }
    }
  }
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let i = 0; i < ky.length; i++) {
          sum += (ky[i] ?? 0) * (rows[(reflect(y + i - hy, height) * width + x) * channels + c] ?? 0);
        }
        out[(y * width + x) * channels + c] = sum <= 0 ? 0 : sum >= 255 ? 255 : Math.round(sum);
      }
    }
  }
  return { data: out, width, height, channels };
}
