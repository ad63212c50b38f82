import {
  I32,
  V128,
  f32x4,
  f32x4Const,
  get,
  i16x8,
  i32Add,
  i32Const,
  i32Load,
  i32Mul,
  i32ShrU,
  i32x4,
  i8x16,
  loop,
  set,
  v128Load32Splat,
  v128Load8x8U,
  v128LoadOffset,
  v128Store32Lane0,
  v128StoreOffset,
  type Code,
  type SimdFunction,
} from '@nextplay/cls-core/wasm-simd';

/*
 * The two passes of a separable resize of RGB bytes, four float lanes at a time. Each output pixel or row takes a
 * run of taps: a first source offset, a tap count, and the taps' weights (`taps` slots apart), as `resample.ts`
 * computes them.
 */

const addTo = (local: number, amount: Code): Code => [...get(local), ...amount, ...i32Add, ...set(local)];
/** `table[index]` of an i32 table. */
const entry = (table: number, index: number): Code => [
  ...get(table),
  ...get(index),
  ...i32Const(4),
  ...i32Mul,
  ...i32Add,
  ...i32Load,
];
const v128Load = v128LoadOffset(0);
const v128Store = v128StoreOffset(0);

/**
 *   resampleRows(source, sourceStride, rowCount, first, count, weights, tapBytes, outWidth, rows, rowStride)
 * Horizontal pass: each of `rowCount` rows of RGB bytes (`sourceStride` apart) to `outWidth` float pixels. Output
 * pixel x sums count[x] source pixels from byte first[x] of the row, weighted by the floats at weights + x·tapBytes.
 * Pixel x lands at float 3x of its row (rows `rowStride` bytes apart), written as four lanes whose fourth the next
 * pixel overwrites; so a row needs one float of room past its end, and the source 5 bytes past its last pixel.
 */
const [SOURCE, SOURCE_STRIDE, ROW_COUNT, FIRST, COUNT, WEIGHTS, TAP_BYTES, OUT_WIDTH, ROWS, ROW_STRIDE] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
] as const;
const [Y, X, K, AT, WEIGHT, TAPS, SOURCE_ROW, ROW, SUM] = [10, 11, 12, 13, 14, 15, 16, 17, 18] as const;

export const resampleRowsFunction: SimdFunction = {
  name: 'resampleRows',
  params: Array<number>(10).fill(I32),
  locals: [I32, I32, I32, I32, I32, I32, I32, I32, V128],
  code: [
    ...i32Const(0),
    ...set(Y),
    ...loop(Y, ROW_COUNT, 1, [
      ...[...get(SOURCE), ...get(Y), ...get(SOURCE_STRIDE), ...i32Mul, ...i32Add, ...set(SOURCE_ROW)],
      ...[...get(ROWS), ...get(Y), ...get(ROW_STRIDE), ...i32Mul, ...i32Add, ...set(ROW)],
      ...i32Const(0),
      ...set(X),
      ...loop(X, OUT_WIDTH, 1, [
        ...[...get(SOURCE_ROW), ...entry(FIRST, X), ...i32Add, ...set(AT)],
        ...[...entry(COUNT, X), ...set(TAPS)],
        ...[...get(WEIGHTS), ...get(X), ...get(TAP_BYTES), ...i32Mul, ...i32Add, ...set(WEIGHT)],
        ...f32x4Const(0),
        ...set(SUM),
        ...i32Const(0),
        ...set(K),
        ...loop(K, TAPS, 1, [
          // sum += (r, g, b, next r) of the pixel at `at`, times its weight
          ...get(SUM),
          ...get(AT),
          ...v128Load8x8U,
          ...i32x4.extendLowI16x8U,
          ...f32x4.convertI32x4U,
          ...get(WEIGHT),
          ...v128Load32Splat,
          ...f32x4.mul,
          ...f32x4.add,
          ...set(SUM),
          ...addTo(AT, i32Const(3)),
          ...addTo(WEIGHT, i32Const(4)),
        ]),
        ...get(ROW),
        ...get(X),
        ...i32Const(12),
        ...i32Mul,
        ...i32Add,
        ...get(SUM),
        ...v128Store,
      ]),
    ]),
  ],
};

/**
 *   resampleColumns(rows, rowStride, first, count, weights, tapBytes, outHeight, rowBytes, out)
 * Vertical pass: output row y sums count[y] float rows from byte first[y] of `rows` (`rowStride` apart), weighted
 * by the floats at weights + y·tapBytes, rounded half up and clamped to the rowBytes/4 bytes at out + y·rowBytes/4.
 * Four values a step: a row's last step may write up to 3 bytes past it (the next row overwrites them; leave room
 * after the last).
 */
const [FROM, FROM_STRIDE, ROW_FIRST, ROW_COUNTS, ROW_WEIGHTS, ROW_TAP_BYTES, OUT_HEIGHT, ROW_BYTES, OUT] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8,
] as const;
const [OUT_Y, I, TAP, READ, ROW_WEIGHT, ROW_TAPS, BASE, WEIGHT_BASE, WRITE, TOTAL, OUT_ROW] = [
  9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
] as const;

export const resampleColumnsFunction: SimdFunction = {
  name: 'resampleColumns',
  params: Array<number>(9).fill(I32),
  locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, V128, I32],
  code: [
    ...get(OUT),
    ...set(OUT_ROW),
    ...i32Const(0),
    ...set(OUT_Y),
    ...loop(OUT_Y, OUT_HEIGHT, 1, [
      ...[...get(FROM), ...entry(ROW_FIRST, OUT_Y), ...i32Add, ...set(BASE)],
      ...[...entry(ROW_COUNTS, OUT_Y), ...set(ROW_TAPS)],
      ...[
        ...get(ROW_WEIGHTS),
        ...get(OUT_Y),
        ...get(ROW_TAP_BYTES),
        ...i32Mul,
        ...i32Add,
        ...set(WEIGHT_BASE),
      ],
      ...get(OUT_ROW),
      ...set(WRITE),
      ...i32Const(0),
      ...set(I),
      ...loop(I, ROW_BYTES, 16, [
        ...f32x4Const(0),
        ...set(TOTAL),
        ...[...get(BASE), ...get(I), ...i32Add, ...set(READ)],
        ...[...get(WEIGHT_BASE), ...set(ROW_WEIGHT)],
        ...i32Const(0),
        ...set(TAP),
        ...loop(TAP, ROW_TAPS, 1, [
          ...get(TOTAL),
          ...get(READ),
          ...v128Load,
          ...get(ROW_WEIGHT),
          ...v128Load32Splat,
          ...f32x4.mul,
          ...f32x4.add,
          ...set(TOTAL),
          ...addTo(READ, get(FROM_STRIDE)),
          ...addTo(ROW_WEIGHT, i32Const(4)),
        ]),
        // floor(total + 0.5), saturated to 0–255 through i32 → i16 → u8
        ...get(WRITE),
        ...get(TOTAL),
        ...f32x4Const(0.5),
        ...f32x4.add,
        ...f32x4.floor,
        ...i32x4.truncSatF32x4S,
        ...set(TOTAL),
        ...get(TOTAL),
        ...get(TOTAL),
        ...i16x8.narrowI32x4S,
        ...set(TOTAL),
        ...get(TOTAL),
        ...get(TOTAL),
        ...i8x16.narrowI16x8U,
        ...v128Store32Lane0,
        ...addTo(WRITE, i32Const(4)),
      ]),
      // rowBytes / 4: the row's bytes
      ...addTo(OUT_ROW, [...get(ROW_BYTES), ...i32Const(2), ...i32ShrU]),
    ]),
  ],
};

export const resampleFunctions: readonly SimdFunction[] = [resampleRowsFunction, resampleColumnsFunction];
