import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { SimdExport } from '@nextplay/cls-core/wasm-simd';
import type { WasmKernelCalls } from './wasmKernelCalls.js';

/**
 * out[i] = scalar(first[i], second[i]) over float32 tensors of one size, already allocated: `simd` (a
 * `pairwiseFunction`) over the first size − size mod 4 values, `scalar` in JavaScript over the rest, or over all of
 * them where there is no SIMD function (the backend does not expose its memory).
 */
export function pairwisePass(
  calls: WasmKernelCalls,
  simd: SimdExport | undefined,
  [first, second, out]: readonly [TensorInfo, TensorInfo, TensorInfo],
  scalar: (first: number, second: number) => number,
): void {
  const size = out.shape.reduce((a, b) => a * b, 1);
  const vectorized = simd === undefined ? 0 : size - (size % 4);
  if (vectorized > 0)
    simd?.(calls.byteOffset(first), calls.byteOffset(second), calls.byteOffset(out), 0, vectorized * 4);
  const [firstValues, secondValues, outValues] = [first, second, out].map((t) => calls.view(t)) as [
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  for (let i = vectorized; i < size; i++)
    outValues[i] = scalar(firstValues[i] ?? NaN, secondValues[i] ?? NaN);
}
