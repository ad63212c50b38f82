/**
 * Writes small WebAssembly modules of SIMD functions that import the tfjs wasm backend's memory ("env"."memory"),
 * so they read and write tensors where they lie in its heap. tfjs's build has no such kernels, and these are small
 * and fixed enough to emit directly rather than ship a toolchain: each function is a list of instructions.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

export type Code = readonly number[];

/** Unsigned LEB128 (counts, indices, sizes). */
export function leb128(value: number): number[] {
  if (value < 0) throw new Error(`leb128 encodes non-negative numbers, got ${value}`);
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

/** Signed LEB128, as i32.const takes its immediate. */
export function sleb128(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

export const get = (local: number): Code => [0x20, ...leb128(local)];
export const set = (local: number): Code => [0x21, ...leb128(local)];
export const i32Const = (value: number): Code => [0x41, ...sleb128(value)];
export const i32Add: Code = [0x6a];
export const i32Sub: Code = [0x6b];
export const i32Mul: Code = [0x6c];
export const i32GeU: Code = [0x4f];
export const i32GeS: Code = [0x4e];
export const i32LtU: Code = [0x49];
export const i32Eq: Code = [0x46];
export const i32Ne: Code = [0x47];
export const i32Or: Code = [0x72];
/** `select`: of the two values below the condition, the first when it is non-zero. */
export const select: Code = [0x1b];
export const call = (functionIndex: number): Code => [0x10, ...leb128(functionIndex)];
/** i32.load with alignment hint 4 and offset 0. */
export const i32Load: Code = [0x28, 2, 0];
/** The address `base + i·stride` of i32 locals base and stride (row i of a matrix). */
export const rowAddress = (base: number, stride: number, i: number): Code =>
  i === 0 ? get(base) : [...get(base), ...get(stride), ...i32Const(i), ...i32Mul, ...i32Add];
/** f32.load / f32.store with alignment hint 4 and offset 0. */
export const f32Load: Code = [0x2a, 2, 0];
export const f32Store: Code = [0x38, 2, 0];
export const f32Add: Code = [0x92];

/** `if (condition on the stack) { body }`. */
export const when = (body: Code): Code => [0x04, 0x40, ...body, 0x0b];

/** A v128 of four equal float32 lanes. */
export function f32x4Const(value: number): Code {
  const bytes = new Uint8Array(new Float32Array([value]).buffer);
  return [0x43, ...bytes, 0xfd, 0x13];
}

export const i32x4 = {
  splat: [0xfd, 0x11],
  extractLane: (lane: number): Code => [0xfd, 0x1b, lane],
} as const;

export const v128Bitselect: Code = [0xfd, 0x52];

/** SIMD instructions: the 0xfd prefix and the LEB128 opcode. */
export const f32x4 = {
  splat: [0xfd, 0x13],
  sqrt: [0xfd, 0xe3, 0x01],
  add: [0xfd, 0xe4, 0x01],
  sub: [0xfd, 0xe5, 0x01],
  mul: [0xfd, 0xe6, 0x01],
  div: [0xfd, 0xe7, 0x01],
  ne: [0xfd, 0x42],
  gt: [0xfd, 0x44],
} as const satisfies Record<string, Code>;

/** v128.load / v128.store of the address on the stack plus a constant byte offset (alignment hint 1). */
export const v128LoadOffset = (offset: number): Code => [0xfd, 0x00, 0, ...leb128(offset)];
export const v128StoreOffset = (offset: number): Code => [0xfd, 0x0b, 0, ...leb128(offset)];
/** v128.load32_splat: the float32 at the address on the stack in all four lanes. */
export const v128Load32Splat: Code = [0xfd, 0x09, 2, 0];

/** i8x16.shuffle picking four float32 lanes of the two vectors below (lanes 0–3 of the first, 4–7 of the second). */
export const f32x4Shuffle = (lanes: readonly [number, number, number, number]): Code => [
  0xfd,
  0x0d,
  ...lanes.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]),
];

/**
 * f32x4.relaxed_madd (a·b + c) from the relaxed-SIMD proposal: one fused multiply-add where the CPU has FMA.
 * Modules using it compile only where relaxed SIMD is enabled (`relaxedSimd.ts`).
 */
export const f32x4RelaxedMadd: Code = [0xfd, 0x85, 0x02];

/** v128.load of the 16 bytes at `base + offset` (alignment hint 1, since tensors need not be 16-byte aligned). */
export const loadAt = (base: number, offset: number): Code => [
  ...get(base),
  ...get(offset),
  ...i32Add,
  0xfd,
  0x00,
  0,
  0,
];

/** v128.store of `value` to `base + offset`. */
export const storeAt = (base: number, offset: number, value: Code): Code => [
  ...get(base),
  ...get(offset),
  ...i32Add,
  ...value,
  0xfd,
  0x0b,
  0,
  0,
];

/** `while (counter < limit) { body; counter += step }`, the counter being an i32 local. */
export function loop(counter: number, limit: number, step: number, body: Code): Code {
  return [
    ...[0x02, 0x40, 0x03, 0x40],
    ...get(counter),
    ...get(limit),
    ...i32GeU,
    ...[0x0d, 1],
    ...body,
    ...get(counter),
    ...i32Const(step),
    ...i32Add,
    ...set(counter),
    ...[0x0c, 0],
    ...[0x0b, 0x0b],
  ];
}

export interface SimdFunction {
  readonly name: string;
  readonly params: readonly number[];
  /** Local types after the parameters, one entry per local. */
  readonly locals: readonly number[];
  readonly code: Code;
}

function section(id: number, contents: Code): number[] {
  return [id, ...leb128(contents.length), ...contents];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...leb128(bytes.length), ...bytes];
}

function body({ locals, code }: SimdFunction): number[] {
  const groups: number[] = [];
  for (let i = 0; i < locals.length;) {
    let count = 1;
    while (locals[i + count] === locals[i]) count += 1;
    groups.push(...leb128(count), locals[i] ?? I32);
    i += count;
  }
  const bytes = [...leb128(groups.length / 2), ...groups, ...code, 0x0b];
  return [...leb128(bytes.length), ...bytes];
}

/** The module's bytes; `shared` must match the memory it will import (the threaded build's memory is shared). */
export function simdModuleBytes(functions: readonly SimdFunction[], shared: boolean): Uint8Array {
  const types = functions.map((f) => [0x60, ...leb128(f.params.length), ...f.params, 0]);
  // Shared memories must declare a maximum: the wasm32 limit of 65536 pages admits any memory.
  const limits = shared ? [0x03, 1, ...leb128(65536)] : [0x00, 1];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [...leb128(functions.length), ...types.flat()]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, ...limits]),
    ...section(3, [...leb128(functions.length), ...functions.map((_, i) => leb128(i)).flat()]),
    ...section(7, [
      ...leb128(functions.length),
      ...functions.map((f, i) => [...name(f.name), 0x00, ...leb128(i)]).flat(),
    ]),
    ...section(10, [...leb128(functions.length), ...functions.map(body).flat()]),
  ]);
}
