/**
 * A WebAssembly module with one SIMD function that applies an Adam/AdamW update in place of the tfjs op chain:
 *
 *   adam(p, g, m, v, pOut, mOut, vOut, bytes: i32,
 *        beta1, keep1, beta2, keep2, decay, stepSize, invRootCorrection2, eps, l2Decay: f32)
 *
 * For each 16-byte block at offset k < bytes of the float32 arrays at those byte addresses:
 *   g' = g + l2Decay·p, m' = beta1·m + keep1·g', v' = beta2·v + keep2·g'², p' = decay·p − stepSize·m' / (√v'·invRootCorrection2 + eps).
 * It imports the memory of the tfjs wasm backend ("env"."memory"), so it reads and writes tensors where they lie.
 * The binary is written out here because it is small and fixed; tfjs's own build does not include such a kernel.
 */

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  void: 0x40,
} as const;

/** SIMD instructions: the 0xfd prefix and the LEB128 opcode. */
const simd = {
  load: [0xfd, 0x00],
  store: [0xfd, 0x0b],
  splat: [0xfd, 0x13],
  sqrt: [0xfd, 0xe3, 0x01],
  add: [0xfd, 0xe4, 0x01],
  sub: [0xfd, 0xe5, 0x01],
  mul: [0xfd, 0xe6, 0x01],
  div: [0xfd, 0xe7, 0x01],
} as const;

function leb128(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  do {
    let byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    if (rest !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0);
  return bytes;
}

function section(id: number, contents: number[]): number[] {
  return [id, ...leb128(contents.length), ...contents];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...leb128(bytes.length), ...bytes];
}

// Parameters 0–7 are addresses and the byte count, 8–16 the scalars; locals follow.
const POINTERS = { p: 0, g: 1, m: 2, v: 3, pOut: 4, mOut: 5, vOut: 6 } as const;
const BYTES = 7;
const FIRST_SCALAR = 8;
const SCALARS = 9;
const K = 17;
const SPLAT = 18; // beta1, keep1, beta2, keep2, decay, stepSize, invRootCorrection2, eps, l2Decay
const [B1, K1, B2, K2, DECAY, STEP, IRC, EPS, L2] = Array.from({ length: SCALARS }, (_, i) => SPLAT + i) as [
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
const PV = SPLAT + SCALARS;
const GV = PV + 1;
const MV = PV + 2;
const VV = PV + 3;

const get = (local: number): number[] => [op.localGet, ...leb128(local)];
const set = (local: number): number[] => [op.localSet, ...leb128(local)];
/** memarg: alignment hint 2^0 (any address), offset 0. */
const load = (pointer: number): number[] => [...get(pointer), ...get(K), op.i32Add, ...simd.load, 0, 0];
const storeAt = (pointer: number, value: number[]): number[] => [
  ...get(pointer),
  ...get(K),
  op.i32Add,
  ...value,
  ...simd.store,
  0,
  0,
];

function functionBody(): number[] {
  const splats = Array.from({ length: SCALARS }, (_, i) => [
    ...get(FIRST_SCALAR + i),
    ...simd.splat,
    ...set(SPLAT + i),
  ]).flat();
  const loopBody = [
    ...get(K),
    ...get(BYTES),
    op.i32GeU,
    op.brIf,
    1,
    ...load(POINTERS.p),
    ...set(PV),
    ...load(POINTERS.g),
    ...get(L2),
    ...get(PV),
    ...simd.mul,
    ...simd.add,
    ...set(GV),
    ...get(B1),
    ...load(POINTERS.m),
    ...simd.mul,
    ...get(K1),
    ...get(GV),
    ...simd.mul,
    ...simd.add,
    ...set(MV),
    ...get(B2),
    ...load(POINTERS.v),
    ...simd.mul,
    ...get(K2),
    ...get(GV),
    ...simd.mul,
    ...get(GV),
    ...simd.mul,
    ...simd.add,
    ...set(VV),
    ...storeAt(POINTERS.mOut, get(MV)),
    ...storeAt(POINTERS.vOut, get(VV)),
    ...storeAt(POINTERS.pOut, [
      ...get(PV),
      ...get(DECAY),
      ...simd.mul,
      ...get(STEP),
      ...get(MV),
      ...simd.mul,
      ...get(VV),
      ...simd.sqrt,
      ...get(IRC),
      ...simd.mul,
      ...get(EPS),
      ...simd.add,
      ...simd.div,
      ...simd.sub,
    ]),
    ...get(K),
    op.i32Const,
    16,
    op.i32Add,
    ...set(K),
    op.br,
    0,
  ];
  const code = [...splats, op.block, op.void, op.loop, op.void, ...loopBody, op.end, op.end, op.end];
  // Locals: k (i32), then the splatted scalars and the four working vectors (v128).
  const locals = [2, 1, I32, ...leb128(SCALARS + 4), V128];
  const body = [...locals, ...code];
  return [...leb128(body.length), ...body];
}

/** The module's bytes; `shared` must match the memory it will import (the threaded build's memory is shared). */
export function adamSimdModuleBytes(shared: boolean): Uint8Array {
  const funcType = [
    0x60,
    ...leb128(8 + SCALARS),
    ...Array<number>(8).fill(I32),
    ...Array<number>(SCALARS).fill(F32),
    0,
  ];
  // Shared memories must declare a maximum: the wasm32 limit of 65536 pages admits any memory.
  const limits = shared ? [0x03, 1, ...leb128(65536)] : [0x00, 1];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, ...funcType]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, ...limits]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('adam'), 0x00, 0]),
    ...section(10, [1, ...functionBody()]),
  ]);
}
