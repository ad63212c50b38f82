import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { adamSimdModuleBytes } from './adamSimdModule.js';
import { WasmKernelCalls, type WasmHeapBackend, type WasmMemory } from './wasmKernelCalls.js';

/** The engine's own kernel: one Adam/AdamW update of one parameter, outputs `[parameter, m, v]`. */
export const ADAM_STEP = 'ClsAdamStep';

/** Attributes of `ADAM_STEP`; the bias corrections are 1 − βᵗ of the step being taken. */
export interface AdamStepAttrs extends NamedAttrMap {
  beta1: number;
  beta2: number;
  eps: number;
  lr: number;
  /** AdamW's decoupled decay: p is scaled by 1 − lr·decoupledDecay. */
  decoupledDecay: number;
  /** Adam's L2 decay: l2Decay·p is added to the gradient. */
  l2Decay: number;
  correction1: number;
  correction2: number;
}

type AdamFunction = (...args: number[]) => void;

/** The parts of the WebAssembly global used here. */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

const { WebAssembly: webAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

/** The SIMD update compiled against each wasm memory it has met (one per backend instance). */
const instances = new WeakMap<WasmMemory, AdamFunction>();

function adamFunction(backend: WasmHeapBackend): AdamFunction {
  const { wasm } = backend;
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  if (memory === undefined) throw new Error('the wasm backend does not expose its memory');
  let adam = instances.get(memory);
  if (adam === undefined) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new webAssembly.Module(adamSimdModuleBytes(shared));
    const instance = new webAssembly.Instance(module, { env: { memory } });
    adam = instance.exports.adam as AdamFunction;
    instances.set(memory, adam);
  }
  return adam;
}

/**
 * The whole update in one SIMD pass over the wasm heap (`adamSimdModule`) instead of about fourteen element-wise
 * kernels, each of which reads and writes every value again; the last (size mod 4) values in JavaScript.
 */
function adamStep(args: {
  inputs: { parameter?: TensorInfo; gradient?: TensorInfo; m?: TensorInfo; v?: TensorInfo };
  backend: KernelBackend;
  attrs: AdamStepAttrs;
}): TensorInfo[] {
  const { parameter, gradient, m, v } = args.inputs;
  if (parameter === undefined || gradient === undefined || m === undefined || v === undefined) {
    throw new Error(`${ADAM_STEP} needs inputs parameter, gradient, m and v`);
  }
  const backend = args.backend as WasmHeapBackend;
  const { beta1, beta2, eps, lr, decoupledDecay, l2Decay, correction1, correction2 } = args.attrs;
  const calls = new WasmKernelCalls(backend);
  const outputs = [parameter, m, v].map((t) => calls.allocate(t.shape));
  const inputs = [parameter, gradient, m, v];
  const size = parameter.shape.reduce((a, b) => a * b, 1);
  const vectorized = size - (size % 4);
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  const decay = 1 - lr * decoupledDecay;
  const stepSize = lr / correction1;
  const invRootCorrection2 = 1 / Math.sqrt(correction2);
  const addresses = [...inputs, ...outputs].map((t) => calls.byteOffset(t));
  adamFunction(backend)(
    ...addresses,
    vectorized * 4,
    beta1,
    keep1,
    beta2,
    keep2,
    decay,
    stepSize,
    invRootCorrection2,
    eps,
    l2Decay,
  );
  const [p0, g0, m0, v0, p1, m1, v1] = [...inputs, ...outputs].map((t) => calls.view(t)) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  for (let i = vectorized; i < size; i++) {
    const p = p0[i] ?? 0;
    const g = (g0[i] ?? 0) + l2Decay * p;
    const mi = beta1 * (m0[i] ?? 0) + keep1 * g;
    const vi = beta2 * (v0[i] ?? 0) + keep2 * g * g;
    m1[i] = mi;
    v1[i] = vi;
    p1[i] = decay * p - (stepSize * mi) / (Math.sqrt(vi) * invRootCorrection2 + eps);
  }
  return outputs;
}

export const wasmAdamStepConfig: KernelConfig = {
  kernelName: ADAM_STEP,
  backendName: 'wasm',
  kernelFunc: adamStep as unknown as KernelFunc,
};
