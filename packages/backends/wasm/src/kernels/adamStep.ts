import {
  ADAM_STEP,
  adamStepParameters,
  type AdamStepAttrs,
  type AdamStepParameter,
} from '@nextplay/cls-core';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { adamFunction } from './adamSimdModule.js';
import type { AdamArgs, AdamExport } from './kernelWorkers.js';
import { parallelKernels } from './parallelKernels.js';
import { simdExports } from './simdInstance.js';
import { WasmKernelCalls } from './wasmKernelCalls.js';

const adamModule = [adamFunction];
/** Values from which an update is split across threads. */
const PARALLEL_VALUES = 64 * 1024;

/** cls-core's `ADAM_STEP`: each parameter in turn (`stepParameter`). */
function adamStep(args: {
  inputs: readonly TensorInfo[];
  backend: KernelBackend;
  attrs: AdamStepAttrs;
}): TensorInfo[] {
  const calls = new WasmKernelCalls(args.backend);
  return adamStepParameters(args.inputs, args.attrs).flatMap((parameter) =>
    stepParameter(calls, parameter, args.attrs),
  );
}

/**
 * One parameter's whole update in one SIMD pass over the wasm heap (`adamSimdModule`) instead of about fourteen
 * element-wise kernels, each of which reads and writes every value again; the last (size mod 4) values in
 * JavaScript (all of them where the backend does not expose its memory).
 */
function stepParameter(
  calls: WasmKernelCalls,
  { parameter, gradient, m, v, decoupledDecay, l2Decay }: AdamStepParameter<TensorInfo>,
  { beta1, beta2, eps, lr, correction1, correction2 }: AdamStepAttrs,
): TensorInfo[] {
  const outputs = [parameter, m, v].map((t) => calls.allocate(t.shape));
  const inputs = [parameter, gradient, m, v];
  const size = parameter.shape.reduce((a, b) => a * b, 1);
  const parallel = parallelKernels(calls);
  const adam: AdamExport | undefined = parallel?.adam ?? simdExports(calls.backend, adamModule)?.adam;
  const vectorized = adam === undefined ? 0 : size - (size % 4);
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  const decay = 1 - lr * decoupledDecay;
  const stepSize = lr / correction1;
  const invRootCorrection2 = 1 / Math.sqrt(correction2);
  const addresses = [...inputs, ...outputs].map((t) => calls.byteOffset(t));
  const adamArgs: AdamArgs = [
    ...(addresses as [number, number, number, number, number, number, number]),
    0,
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
  ];
  // Large tensors are updated by all threads; the rest are not worth waking them.
  if (parallel?.workers !== undefined && vectorized >= PARALLEL_VALUES)
    parallel.workers.adam(parallel.adam, adamArgs);
  else adam?.(...adamArgs);
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
