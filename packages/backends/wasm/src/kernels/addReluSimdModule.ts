import {
  I32,
  V128,
  f32x4,
  f32x4Const,
  get,
  loadAt,
  loop,
  set,
  storeAt,
  v128Bitselect,
  type SimdFunction,
} from './simdModule.js';

/**
 *   addRelu(a, b, y, start, end: i32)
 * For each 16-byte block at byte offset k in [start, end) of the float32 arrays at those byte addresses:
 * y = relu(a + b), NaN kept (0 where 0 > a + b, else a + b).
 */
const [A, B, Y, START, END] = [0, 1, 2, 3, 4] as const;
const K = 5;
const SUM = 6;

export const addReluFunction: SimdFunction = {
  name: 'addRelu',
  params: [I32, I32, I32, I32, I32],
  locals: [I32, V128],
  code: [
    ...get(START),
    ...set(K),
    ...loop(K, END, 16, [
      ...loadAt(A, K),
      ...loadAt(B, K),
      ...f32x4.add,
      ...set(SUM),
      // bitselect(x, y, mask) takes x's bits where mask is set.
      ...storeAt(Y, K, [
        ...f32x4Const(0),
        ...get(SUM),
        ...f32x4Const(0),
        ...get(SUM),
        ...f32x4.gt,
        ...v128Bitselect,
      ]),
    ]),
  ],
};
