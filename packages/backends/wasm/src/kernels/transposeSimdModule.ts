import {
  I32,
  V128,
  f32x4Shuffle,
  get,
  i32Add,
  i32Const,
  i32Mul,
  loop,
  rowAddress,
  set,
  v128LoadOffset,
  v128StoreOffset,
  type Code,
  type SimdFunction,
} from '@nextplay/cls-core/wasm-simd';

/**
 *   transpose(src, srcStride, dst, dstStride, rows, cols)
 * dst[c][r] = src[r][c] for r < rows, c < cols (both multiples of 4), row strides in bytes: 4×4 blocks of four
 * loads, eight shuffles and four stores.
 */
export const transposeFunction: SimdFunction = (() => {
  const [SRC, SRC_STRIDE, DST, DST_STRIDE, ROWS, COLS] = [0, 1, 2, 3, 4, 5];
  const [R, C, S, D] = [6, 7, 8, 9];
  const [A, B, CC, DD, T0, T1, T2, T3] = [10, 11, 12, 13, 14, 15, 16, 17];
  const pair = (x: number, y: number, lanes: [number, number, number, number]): Code => [
    ...get(x),
    ...get(y),
    ...f32x4Shuffle(lanes),
  ];
  const block: number[] = [
    ...[
      ...get(SRC),
      ...get(R),
      ...get(SRC_STRIDE),
      ...i32Mul,
      ...i32Add,
      ...get(C),
      ...i32Const(4),
      ...i32Mul,
    ],
    ...i32Add,
    ...set(S),
    ...[A, B, CC, DD].flatMap((v, i) => [...rowAddress(S, SRC_STRIDE, i), ...v128LoadOffset(0), ...set(v)]),
    ...pair(A, B, [0, 4, 1, 5]),
    ...set(T0),
    ...pair(A, B, [2, 6, 3, 7]),
    ...set(T1),
    ...pair(CC, DD, [0, 4, 1, 5]),
    ...set(T2),
    ...pair(CC, DD, [2, 6, 3, 7]),
    ...set(T3),
    ...[
      ...get(DST),
      ...get(C),
      ...get(DST_STRIDE),
      ...i32Mul,
      ...i32Add,
      ...get(R),
      ...i32Const(4),
      ...i32Mul,
    ],
    ...i32Add,
    ...set(D),
    ...rowAddress(D, DST_STRIDE, 0),
    ...pair(T0, T2, [0, 1, 4, 5]),
    ...v128StoreOffset(0),
    ...rowAddress(D, DST_STRIDE, 1),
    ...pair(T0, T2, [2, 3, 6, 7]),
    ...v128StoreOffset(0),
    ...rowAddress(D, DST_STRIDE, 2),
    ...pair(T1, T3, [0, 1, 4, 5]),
    ...v128StoreOffset(0),
    ...rowAddress(D, DST_STRIDE, 3),
    ...pair(T1, T3, [2, 3, 6, 7]),
    ...v128StoreOffset(0),
  ];
  return {
    name: 'transpose',
    params: Array<number>(6).fill(I32),
    locals: [...Array<number>(4).fill(I32), ...Array<number>(8).fill(V128)],
    code: loop(R, ROWS, 4, [...i32Const(0), ...set(C), ...loop(C, COLS, 4, block)]),
  };
})();

export const transposeFunctions: readonly SimdFunction[] = [transposeFunction];
