import {
  I32,
  V128,
  f32Add,
  f32Load,
  f32Store,
  f32x4,
  f32x4Const,
  get,
  i32Add,
  i32Const,
  i32GeS,
  i32Mul,
  i32Sub,
  i32x4,
  loadAt,
  loop,
  set,
  v128Bitselect,
  when,
  type SimdFunction,
} from '@nextplay/cls-core/wasm-simd';

/**
 *   windowGradient(x, rows, cols, rowBytes, pixelBytes, channelBytes, dy, dx)
 * For one pooling window of `rows`×`cols` pixels whose first pixel is at byte address x (rows `rowBytes` apart,
 * pixels `pixelBytes` apart), finds each channel's first (row-major) maximum, 4 channels at a time, and adds the
 * channel's dy value (at dy) to dx at the same offset from dx as the maximum has from x. Channels whose window
 * holds only −∞ or NaN get nothing, as with the cpu backend.
 */
const [X, ROWS, COLS, ROW_BYTES, PIXEL_BYTES, CHANNEL_BYTES, DY, DX] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
const [C, R, S, OFFSET, TARGET] = [8, 9, 10, 11, 12] as const;
const [BEST, WHERE, VALUE, ABOVE] = [13, 14, 15, 16] as const;

const scatterLane = (lane: number) => [
  ...get(WHERE),
  ...i32x4.extractLane(lane),
  ...set(TARGET),
  ...get(TARGET),
  ...i32Const(0),
  ...i32GeS,
  ...when([
    // dx[target + c + 4·lane] += dy[c + 4·lane]
    ...get(DX),
    ...get(TARGET),
    ...i32Add,
    ...get(C),
    ...i32Add,
    ...i32Const(4 * lane),
    ...i32Add,
    ...set(TARGET),
    ...get(TARGET),
    ...get(TARGET),
    ...f32Load,
    ...get(DY),
    ...get(C),
    ...i32Add,
    ...i32Const(4 * lane),
    ...i32Add,
    ...f32Load,
    ...f32Add,
    ...f32Store,
  ]),
];

export const windowGradientFunction: SimdFunction = {
  name: 'windowGradient',
  params: Array<number>(8).fill(I32),
  locals: [I32, I32, I32, I32, I32, V128, V128, V128, V128],
  code: loop(C, CHANNEL_BYTES, 16, [
    ...f32x4Const(-Infinity),
    ...set(BEST),
    ...i32Const(-1),
    ...i32x4.splat,
    ...set(WHERE),
    ...i32Const(0),
    ...set(R),
    ...loop(R, ROWS, 1, [
      ...i32Const(0),
      ...set(S),
      ...loop(S, COLS, 1, [
        ...get(R),
        ...get(ROW_BYTES),
        ...i32Mul,
        ...get(S),
        ...get(PIXEL_BYTES),
        ...i32Mul,
        ...i32Add,
        ...get(C),
        ...i32Add,
        ...set(OFFSET),
        ...loadAt(X, OFFSET),
        ...set(VALUE),
        ...get(VALUE),
        ...get(BEST),
        ...f32x4.gt,
        ...set(ABOVE),
        ...get(VALUE),
        ...get(BEST),
        ...get(ABOVE),
        ...v128Bitselect,
        ...set(BEST),
        // The window-relative byte offset of the pixel (without the channel), in the lanes that rose.
        ...get(OFFSET),
        ...get(C),
        ...i32Sub,
        ...i32x4.splat,
        ...get(WHERE),
        ...get(ABOVE),
        ...v128Bitselect,
        ...set(WHERE),
      ]),
    ]),
    ...scatterLane(0),
    ...scatterLane(1),
    ...scatterLane(2),
    ...scatterLane(3),
  ]),
};
