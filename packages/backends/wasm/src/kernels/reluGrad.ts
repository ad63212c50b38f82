import { RELU_GRAD, RELU_GRAD_INPUTS, requiredInputs, type KernelInputs } from '@nextplay/cls-core';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { reluGradFunction } from './reluGradSimdModule.js';
import { pairwisePass } from './pairwisePass.js';
import { simdExports } from './simdInstance.js';
import { WasmKernelCalls } from './wasmKernelCalls.js';

const reluGradModule = [reluGradFunction];

/**
 * cls-core's `RELU_GRAD` in one SIMD pass over the wasm heap (`reluGradSimdModule`) instead of tfjs's Step, Cast
 * and Multiply; the last (size mod 4) values in JavaScript (all of them where the backend does not expose its
 * memory).
 */
function reluGrad(args: {
  inputs: KernelInputs<typeof RELU_GRAD_INPUTS, TensorInfo>;
  backend: KernelBackend;
}): TensorInfo {
  const { dy, y } = requiredInputs(RELU_GRAD, args.inputs, RELU_GRAD_INPUTS);
  const size = y.shape.reduce((a, b) => a * b, 1);
  if (dy.dtype !== 'float32' || y.dtype !== 'float32' || dy.shape.reduce((a, b) => a * b, 1) !== size) {
    throw new Error(
      `${RELU_GRAD} needs float32 dy and y of one shape (got [${dy.shape.join(', ')}] and [${y.shape.join(', ')}])`,
    );
  }
  const calls = new WasmKernelCalls(args.backend);
  const dx = calls.allocate(y.shape);
  writeReluGrad(calls, dy, y, dx);
  return dx;
}

/**
 * dx = dy where y > 0, 0 elsewhere, NaN where y is NaN, for float32 tensors of one size already allocated (the
 * batch-norm gradient takes its dy through relu with it).
 */
export function writeReluGrad(calls: WasmKernelCalls, dy: TensorInfo, y: TensorInfo, dx: TensorInfo): void {
  pairwisePass(
    calls,
    simdExports(calls.backend, reluGradModule)?.reluGrad,
    [dy, y, dx],
    (gradient, output) => (Number.isNaN(output) ? output : output > 0 ? gradient : 0),
  );
}

export const wasmReluGradConfig: KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: reluGrad as unknown as KernelFunc,
};
