/** Plain-loop NHWC reference ops with torch's semantics (symmetric padding), batch size 1. */
export interface Image {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly data: Float32Array | number[];
}

function at(image: Image, y: number, x: number, c: number, padValue: number): number {
  if (y < 0 || x < 0 || y >= image.height || x >= image.width) return padValue;
  return image.data[(y * image.width + x) * image.channels + c] ?? Number.NaN;
}

/** torch `F.conv2d(x, w, stride, padding)` with an HWIO kernel (tfjs layout). */
export function referenceConv2d(
  image: Image,
  kernel: Float32Array,
  kernelShape: readonly [number, number, number, number],
  stride: number,
  padding: number,
): Image {
  const [kh, kw, inC, outC] = kernelShape;
  const height = Math.floor((image.height + 2 * padding - kh) / stride) + 1;
  const width = Math.floor((image.width + 2 * padding - kw) / stride) + 1;
  const data = new Float32Array(height * width * outC);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let o = 0; o < outC; o++) {
        let sum = 0;
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            for (let c = 0; c < inC; c++) {
              const value = at(image, y * stride - padding + i, x * stride - padding + j, c, 0);
              sum += value * (kernel[((i * kw + j) * inC + c) * outC + o] ?? Number.NaN);
            }
          }
        }
        data[(y * width + x) * outC + o] = sum;
      }
    }
  }
  return { height, width, channels: outC, data };
}

/** torch `F.max_pool2d(x, kernel, stride, padding)`: padding counts as -inf. */
export function referenceMaxPool(image: Image, kernel: number, stride: number, padding: number): Image {
  const height = Math.floor((image.height + 2 * padding - kernel) / stride) + 1;
  const width = Math.floor((image.width + 2 * padding - kernel) / stride) + 1;
  const data = new Float32Array(height * width * image.channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < image.channels; c++) {
        let max = -Infinity;
        for (let i = 0; i < kernel; i++) {
          for (let j = 0; j < kernel; j++) {
            max = Math.max(max, at(image, y * stride - padding + i, x * stride - padding + j, c, -Infinity));
          }
        }
        data[(y * width + x) * image.channels + c] = max;
      }
    }
  }
  return { height, width, channels: image.channels, data };
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}
