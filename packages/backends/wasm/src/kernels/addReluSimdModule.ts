import { f32x4, f32x4Const, get, loadAt, set, v128Bitselect } from '@nextplay/cls-core/wasm-simd';
import { PAIRWISE, pairwiseFunction } from './pairwiseSimdModule.js';

const { FIRST: A, SECOND: B, K, VALUE: SUM } = PAIRWISE;

/**
 *   addRelu(a, b, y, start, end: i32)
 * y = relu(a + b), NaN kept (0 where 0 > a + b, else a + b), four lanes at a time (`pairwiseFunction`).
 */
export const addReluFunction = pairwiseFunction('addRelu', [
  ...loadAt(A, K),
  ...loadAt(B, K),
  ...f32x4.add,
  ...set(SUM),
  // bitselect(x, y, mask) takes x's bits where mask is set.
  ...f32x4Const(0),
  ...get(SUM),
  ...f32x4Const(0),
  ...get(SUM),
  ...f32x4.gt,
  ...v128Bitselect,
]);
