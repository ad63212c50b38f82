import {
  F32,
  I32,
  V128,
  f32x4,
  get,
  loadAt,
  loop,
  set,
  storeAt,
  type SimdFunction,
} from '@nextplay/cls-core/wasm-simd';

/**
 *   adam(p, g, m, v, pOut, mOut, vOut, start, end: i32,
 *        beta1, keep1, beta2, keep2, decay, stepSize, invRootCorrection2, eps, l2Decay: f32)
 * For each 16-byte block at byte offset k in [start, end) of the float32 arrays at those byte addresses (a range,
 * so that threads can share one update):
 *   g' = g + l2Decay·p, m' = beta1·m + keep1·g', v' = beta2·v + keep2·g'²,
 *   p' = decay·p − stepSize·m' / (√v'·invRootCorrection2 + eps).
 */
const [P, G, M, V, P_OUT, M_OUT, V_OUT, START, END] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;
const SCALARS = 9;
const K = 9 + SCALARS;
// Splatted scalars, then working vectors.
const [B1, K1, B2, K2, DECAY, STEP, IRC, EPS, L2] = Array.from({ length: SCALARS }, (_, i) => K + 1 + i) as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];
const PV = K + 1 + SCALARS;
const [GV, MV, VV] = [PV + 1, PV + 2, PV + 3];

export const adamFunction: SimdFunction = {
  name: 'adam',
  params: [...Array<number>(9).fill(I32), ...Array<number>(SCALARS).fill(F32)],
  locals: [I32, ...Array<number>(SCALARS + 4).fill(V128)],
  code: [
    ...Array.from({ length: SCALARS }, (_, i) => [...get(9 + i), ...f32x4.splat, ...set(B1 + i)]).flat(),
    ...get(START),
    ...set(K),
    ...loop(K, END, 16, [
      ...loadAt(P, K),
      ...set(PV),
      ...loadAt(G, K),
      ...get(L2),
      ...get(PV),
      ...f32x4.mul,
      ...f32x4.add,
      ...set(GV),
      ...get(B1),
      ...loadAt(M, K),
      ...f32x4.mul,
      ...get(K1),
      ...get(GV),
      ...f32x4.mul,
      ...f32x4.add,
      ...set(MV),
      ...get(B2),
      ...loadAt(V, K),
      ...f32x4.mul,
      ...get(K2),
      ...get(GV),
      ...f32x4.mul,
      ...get(GV),
      ...f32x4.mul,
      ...f32x4.add,
      ...set(VV),
      ...storeAt(M_OUT, K, get(MV)),
      ...storeAt(V_OUT, K, get(VV)),
      ...storeAt(P_OUT, K, [
        ...get(PV),
        ...get(DECAY),
        ...f32x4.mul,
        ...get(STEP),
        ...get(MV),
        ...f32x4.mul,
        ...get(VV),
        ...f32x4.sqrt,
        ...get(IRC),
        ...f32x4.mul,
        ...get(EPS),
        ...f32x4.add,
        ...f32x4.div,
        ...f32x4.sub,
      ]),
    ]),
  ],
};
