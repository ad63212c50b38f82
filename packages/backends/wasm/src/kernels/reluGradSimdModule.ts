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
 *   reluGrad(dy, y, dx, start, end: i32)
 * For each 16-byte block at byte offset k in [start, end) of the float32 arrays at those byte addresses:
 * dx = y is NaN ? y : y > 0 ? dy : 0.
 */
const [DY, Y, DX, START, END] = [0, 1, 2, 3, 4] as const;
const K = 5;
const YV = 6;

export const reluGradFunction: SimdFunction = {
  name: 'reluGrad',
  params: [I32, I32, I32, I32, I32],
  locals: [I32, V128],
  code: [
    ...get(START),
    ...set(K),
    ...loop(K, END, 16, [
      ...loadAt(Y, K),
      ...set(YV),
      ...storeAt(DX, K, [
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
      ]),
    ]),
  ],
};
