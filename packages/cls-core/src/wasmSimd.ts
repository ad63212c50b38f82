/**
 * Writes small WebAssembly modules of SIMD functions that import their memory ("env"."memory"): the tfjs wasm
 * backend's heap, so kernels read and write tensors where they lie, or a memory of the caller's own (image
 * resampling). No build we use has such kernels, and these are small and fixed enough to emit directly rather than
 * ship a toolchain: each function is a list of instructions.
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
export const i32ShrU: Code = [0x76];
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
  /** The four low u16 lanes, zero-extended. */
  extendLowI16x8U: [0xfd, 0xa9, 0x01],
  /** Truncation towards zero, saturating at the i32 range (NaN becomes 0). */
  truncSatF32x4S: [0xfd, 0xf8, 0x01],
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
  floor: [0xfd, 0x68],
  convertI32x4U: [0xfd, 0xfb, 0x01],
} as const satisfies Record<string, Code>;

/** Byte lanes: narrowing with saturation (to unsigned 8 bits, from the i16x8 lanes of the two vectors below). */
export const i8x16 = {
  narrowI16x8U: [0xfd, 0x66],
} as const satisfies Record<string, Code>;

export const i16x8 = {
  /** Narrowing with signed saturation, from the i32x4 lanes of the two vectors below. */
  narrowI32x4S: [0xfd, 0x85, 0x01],
} as const satisfies Record<string, Code>;

/** v128.load8x8_u: the 8 bytes at the address on the stack, each zero-extended to a u16 lane. */
export const v128Load8x8U: Code = [0xfd, 0x02, 0, 0];
/** v128.store32_lane: lane 0's four bytes to the address below the vector. */
export const v128Store32Lane0: Code = [0xfd, 0x5a, 0, 0, 0];

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

/** A WebAssembly memory, as far as the modules here use one. */
export interface SimdMemory {
  readonly buffer: ArrayBufferLike;
}

/** A memory of the caller's own, grown in 64 KiB pages. */
export interface GrowableSimdMemory extends SimdMemory {
  grow(pages: number): number;
}

export type SimdExport = (...args: number[]) => void;

/** The parts of the WebAssembly global used here (the packages compile without the WebAssembly type library). */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  readonly Memory: new (descriptor: { initial: number }) => GrowableSimdMemory;
}

const { WebAssembly: webAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

/** `functions` compiled into a module and instantiated on `memory` (shared or not, as the memory is). */
export function instantiateSimdModule(
  functions: readonly SimdFunction[],
  memory: SimdMemory,
): { readonly module: object; readonly shared: boolean; readonly exports: Record<string, SimdExport> } {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const module = new webAssembly.Module(simdModuleBytes(functions, shared));
  const { exports } = new webAssembly.Instance(module, { env: { memory } });
  return { module, shared, exports: exports as Record<string, SimdExport> };
}

/** A new unshared memory of `pages` 64 KiB pages. */
export function createSimdMemory(pages: number): GrowableSimdMemory {
  return new webAssembly.Memory({ initial: pages });
}
