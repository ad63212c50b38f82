import v8 from 'node:v8';
import { V128, f32x4RelaxedMadd, get, simdModuleBytes } from '@nextplay/cls-core/wasm-simd';

/** The parts of the WebAssembly global used here (this package compiles without the WebAssembly type library). */
const { WebAssembly: webAssembly } = globalThis as unknown as {
  WebAssembly: { validate(bytes: Uint8Array): boolean };
};

const probe = simdModuleBytes(
  [
    {
      name: 'probe',
      params: [],
      locals: [V128],
      code: [...get(0), ...get(0), ...get(0), ...f32x4RelaxedMadd, 0x1a],
    },
  ],
  false,
);

let available: boolean | undefined;

/**
 * Whether modules may use relaxed-SIMD instructions (a fused multiply-add doubles matrix-product throughput over
 * SIMD128's separate multiply and add). V8 ships them on by default from Node 22; Node 20's V8 has them complete
 * but behind --experimental-wasm-relaxed-simd, which is turned on here for the modules compiled after it.
 */
export function relaxedSimdAvailable(): boolean {
  if (available === undefined) {
    if (!webAssembly.validate(probe)) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    available = webAssembly.validate(probe);
  }
  return available;
}
