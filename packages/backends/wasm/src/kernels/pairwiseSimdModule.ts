import {
  I32,
  V128,
  get,
  loop,
  set,
  storeAt,
  type Code,
  type SimdFunction,
} from '@nextplay/cls-core/wasm-simd';

/** The locals of a pairwise function: its parameters, the loop's byte offset and a v128 the value may use. */
export const PAIRWISE = { FIRST: 0, SECOND: 1, OUT: 2, START: 3, END: 4, K: 5, VALUE: 6 } as const;

/**
 *   name(first, second, out, start, end: i32)
 * For each 16-byte block at byte offset k (local `PAIRWISE.K`) in [start, end) of the float32 arrays at those byte
 * addresses: out = `value`, four lanes at a time, which may keep a v128 in local `PAIRWISE.VALUE`.
 */
export function pairwiseFunction(name: string, value: Code): SimdFunction {
  return {
    name,
    params: [I32, I32, I32, I32, I32],
    locals: [I32, V128],
    code: [
      ...get(PAIRWISE.START),
      ...set(PAIRWISE.K),
      ...loop(PAIRWISE.K, PAIRWISE.END, 16, storeAt(PAIRWISE.OUT, PAIRWISE.K, value)),
    ],
  };
}
