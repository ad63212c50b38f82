import { ADD_RELU, addReluInputs, type ADD_RELU_INPUTS, type KernelInputs } from '@nextplay/cls-core';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { addReluFunction } from './addReluSimdModule.js';
import { pairwisePass } from './pairwisePass.js';
import { simdExports } from './simdInstance.js';
import { WasmKernelCalls } from './wasmKernelCalls.js';

const addReluModule = [addReluFunction];

/**
 * cls-core's `ADD_RELU` in one SIMD pass over the wasm heap (`addReluSimdModule`) instead of tfjs's Add and Relu;
 * the last (size mod 4) values in JavaScript (all of them where the backend does not expose its memory).
 */
function addRelu(args: { inputs: KernelInputs<typeof ADD_RELU_INPUTS, TensorInfo>; backend: KernelBackend }) {
  const { a, b } = addReluInputs(args.inputs);
  const calls = new WasmKernelCalls(args.backend);
  const y = calls.allocate(a.shape);
  pairwisePass(calls, simdExports(calls.backend, addReluModule)?.addRelu, [a, b, y], (first, second) => {
    const sum = Math.fround(first + second);
    return sum < 0 ? 0 : sum;
  });
  return y;
}

export const wasmAddReluConfig: KernelConfig = {
  kernelName: ADD_RELU,
  backendName: 'wasm',
  kernelFunc: addRelu as unknown as KernelFunc,
};
