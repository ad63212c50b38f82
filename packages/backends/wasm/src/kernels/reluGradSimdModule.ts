import { f32x4, f32x4Const, get, loadAt, set, v128Bitselect } from '@nextplay/cls-core/wasm-simd';
import { PAIRWISE, pairwiseFunction } from './pairwiseSimdModule.js';

const { FIRST: DY, SECOND: Y, K, VALUE: YV } = PAIRWISE;

/**
 *   reluGrad(dy, y, dx, start, end: i32)
 * dx = y is NaN ? y : y > 0 ? dy : 0, four lanes at a time (`pairwiseFunction`).
 */
export const reluGradFunction = pairwiseFunction('reluGrad', [
  ...loadAt(Y, K),
  ...set(YV),
  // bitselect(a, b, mask) takes a's bits where mask is set: NaN lanes keep y, the rest y > 0 ? dy : 0.
  ...get(YV),
  ...loadAt(DY, K),
  ...f32x4Const(0),
  ...get(YV),
  ...f32x4Const(0),
  ...f32x4.gt,
  ...v128Bitselect,
  ...get(YV),
  ...get(YV),
  ...f32x4.ne,
  ...v128Bitselect,
]);
