import {
  I32,
  V128,
  call,
  f32x4RelaxedMadd,
  get,
  i32Add,
  i32Const,
  i32Eq,
  i32Load,
  i32LtU,
  i32Mul,
  i32Ne,
  i32Or,
  i32Sub,
  loop,
  rowAddress,
  select,
  set,
  v128Load32Splat,
  v128LoadOffset,
  v128StoreOffset,
  when,
  type Code,
  type SimdFunction,
} from '@nextplay/cls-core/wasm-simd';

/** Rows of C per tile: 6 rows × 2 vectors keep 12 accumulators, the B pair and A's splat in 15 registers. */
export const TILE_ROWS = 6;
/** Columns of C per tile, and the width of a packed panel of B. */
export const PANEL_WIDTH = 8;
/** Bytes of the shared dimension per pass over C: a panel's slice (16 KiB) then stays in the L1 cache. */
const DEPTH_BLOCK_BYTES = 512 * 4;

/**
 *   tile{r}(rowTable, tableStride, kOffset, bp, c, ldc, kBytes, accumulate)
 * C[r × 8] (+)= A[r × k] · P[k × 8]. Row i of A starts `kOffset` bytes after the address at
 * `rowTable + i·tableStride`; P is a packed panel of B (8 floats per k) at bp; C's rows start `ldc` bytes apart.
 */
function tile(rows: number): SimdFunction {
  const [TABLE, TABLE_STRIDE, K_OFFSET, BP, C, LDC, K_BYTES, ACCUMULATE] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
  const K = 8;
  const row = (i: number): number => 9 + i;
  const sums = 9 + rows;
  const acc = (i: number, v: number): number => sums + 2 * i + v;
  const [B0, B1, SPLAT] = [sums + 2 * rows, sums + 2 * rows + 1, sums + 2 * rows + 2];
  const code: number[] = [];
  for (let i = 0; i < rows; i++) {
    code.push(...rowAddress(TABLE, TABLE_STRIDE, i), ...i32Load, ...get(K_OFFSET), ...i32Add, ...set(row(i)));
  }
  const load: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let v = 0; v < 2; v++)
      load.push(...rowAddress(C, LDC, i), ...v128LoadOffset(16 * v), ...set(acc(i, v)));
  }
  code.push(...get(ACCUMULATE), ...when(load));
  const step: number[] = [
    ...get(BP),
    ...v128LoadOffset(0),
    ...set(B0),
    ...get(BP),
    ...v128LoadOffset(16),
    ...set(B1),
    ...get(BP),
    ...i32Const(32),
    ...i32Add,
    ...set(BP),
  ];
  for (let i = 0; i < rows; i++) {
    step.push(...get(row(i)), ...get(K), ...i32Add, ...v128Load32Splat, ...set(SPLAT));
    for (let v = 0; v < 2; v++) {
      step.push(
        ...get(SPLAT),
        ...get(v === 0 ? B0 : B1),
        ...get(acc(i, v)),
        ...f32x4RelaxedMadd,
        ...set(acc(i, v)),
      );
    }
  }
  code.push(...loop(K, K_BYTES, 4, step));
  for (let i = 0; i < rows; i++) {
    for (let v = 0; v < 2; v++)
      code.push(...rowAddress(C, LDC, i), ...get(acc(i, v)), ...v128StoreOffset(16 * v));
  }
  return {
    name: `tile${rows}`,
    params: Array<number>(8).fill(I32),
    locals: [...Array<number>(1 + rows).fill(I32), ...Array<number>(2 * rows + 3).fill(V128)],
    code,
  };
}

/** `min(value, bound)` of an i32 value and a constant, unsigned. */
const minimum = (value: Code, bound: number): Code => [
  ...value,
  ...i32Const(bound),
  ...value,
  ...i32Const(bound),
  ...i32LtU,
  ...select,
];

/**
 *   gemm(rowTable, segments, segmentBytes, bp, panelBytes, c, ldc, rowStart, rowEnd, panels, accumulate)
 * Rows [rowStart, rowEnd) of C[· × 8·panels] (+)= A · B. Row r of A is `segments` runs of `segmentBytes`, run s
 * starting at the address in rowTable[r·segments + s] (an i32 array), so patches are read where they lie instead
 * of being copied into a matrix first. B is packed by `pack` (panel j at bp + j·panelBytes). The shared dimension
 * is taken in blocks, so that every row tile reads the block's slice of a panel from the L1 cache.
 */
const gemm: SimdFunction = (() => {
  const [TABLE, SEGMENTS, SEGMENT_BYTES, BP, PANEL_BYTES, C, LDC, ROW_START, ROW_END, PANELS, ACCUMULATE] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
  ];
  const [S, K0, KC, I, J, R, PT, PB, PC, ADD, TABLE_STRIDE] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
  let dispatch: Code = [];
  for (let rows = 1; rows <= TILE_ROWS; rows++) {
    const invoke = [
      ...[PT, TABLE_STRIDE, K0, PB, PC, LDC, KC, ADD].flatMap((local) => get(local)),
      ...call(rows - 1),
    ];
    dispatch =
      rows === 1
        ? invoke
        : [...get(R), ...i32Const(rows), ...i32Eq, 0x04, 0x40, ...invoke, 0x05, ...dispatch, 0x0b];
  }
  const panelsLoop = loop(J, PANELS, 1, [
    ...dispatch,
    ...[...get(PB), ...get(PANEL_BYTES), ...i32Add],
    ...set(PB),
    ...[...get(PC), ...i32Const(4 * PANEL_WIDTH), ...i32Add],
    ...set(PC),
  ]);
  const rowsLoop = loop(I, ROW_END, TILE_ROWS, [
    ...minimum([...get(ROW_END), ...get(I), ...i32Sub], TILE_ROWS),
    ...set(R),
    ...[
      ...get(TABLE),
      ...get(I),
      ...get(TABLE_STRIDE),
      ...i32Mul,
      ...i32Add,
      ...get(S),
      ...i32Const(4),
      ...i32Mul,
    ],
    ...i32Add,
    ...set(PT),
    ...[...get(C), ...get(I), ...get(LDC), ...i32Mul, ...i32Add],
    ...set(PC),
    // A panel holds 8 floats per k: depth offset d bytes into A is 8·d bytes into the panel.
    ...[
      ...get(BP),
      ...get(S),
      ...get(SEGMENT_BYTES),
      ...i32Mul,
      ...get(K0),
      ...i32Add,
      ...i32Const(PANEL_WIDTH),
    ],
    ...[...i32Mul, ...i32Add],
    ...set(PB),
    ...i32Const(0),
    ...set(J),
    ...panelsLoop,
  ]);
  const blocksLoop = loop(K0, SEGMENT_BYTES, DEPTH_BLOCK_BYTES, [
    ...minimum([...get(SEGMENT_BYTES), ...get(K0), ...i32Sub], DEPTH_BLOCK_BYTES),
    ...set(KC),
    ...[...get(ACCUMULATE), ...get(S), ...get(K0), ...i32Or, ...i32Const(0), ...i32Ne, ...i32Or],
    ...set(ADD),
    ...get(ROW_START),
    ...set(I),
    ...rowsLoop,
  ]);
  const code = [
    ...[...get(SEGMENTS), ...i32Const(4), ...i32Mul],
    ...set(TABLE_STRIDE),
    ...loop(S, SEGMENTS, 1, [...i32Const(0), ...set(K0), ...blocksLoop]),
  ];
  return { name: 'gemm', params: Array<number>(11).fill(I32), locals: Array<number>(11).fill(I32), code };
})();

/**
 *   pack(rowTable, panels, kStart, kEnd, bp, panelBytes)
 * Copies rows [kStart, kEnd) of B, row k starting at the address in rowTable[k] (an i32 array), first 8·panels
 * columns, into panels of 8 columns, each panel k-major (panel j at bp + j·panelBytes): the order in which a tile
 * reads them.
 */
const pack: SimdFunction = (() => {
  const [TABLE, PANELS, K_START, K_END, BP, PANEL_BYTES] = [0, 1, 2, 3, 4, 5];
  const [J, K, SOURCE, TARGET] = [6, 7, 8, 9];
  const copy = (offset: number): Code => [
    ...get(TARGET),
    ...get(SOURCE),
    ...v128LoadOffset(offset),
    ...v128StoreOffset(offset),
  ];
  const code = loop(J, PANELS, 1, [
    ...get(K_START),
    ...set(K),
    ...[
      ...get(BP),
      ...get(J),
      ...get(PANEL_BYTES),
      ...i32Mul,
      ...i32Add,
      ...get(K),
      ...i32Const(32),
      ...i32Mul,
    ],
    ...i32Add,
    ...set(TARGET),
    ...loop(K, K_END, 1, [
      ...[...get(TABLE), ...get(K), ...i32Const(4), ...i32Mul, ...i32Add, ...i32Load],
      ...[...get(J), ...i32Const(4 * PANEL_WIDTH), ...i32Mul, ...i32Add],
      ...set(SOURCE),
      ...copy(0),
      ...copy(16),
      ...[...get(TARGET), ...i32Const(32), ...i32Add],
      ...set(TARGET),
    ]),
  ]);
  return { name: 'pack', params: Array<number>(6).fill(I32), locals: Array<number>(4).fill(I32), code };
})();

/** tile1…tile6 first: `gemm` calls tile r as function r − 1. */
export const gemmFunctions: readonly SimdFunction[] = [
  ...Array.from({ length: TILE_ROWS }, (_, i) => tile(i + 1)),
  gemm,
  pack,
];
