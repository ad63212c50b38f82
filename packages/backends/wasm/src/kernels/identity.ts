import {
  Identity,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { stockKernel } from './stockKernels.js';
import type { WasmHeapBackend } from './wasmKernelCalls.js';

/**
 * Identity (`tf.clone`) that shares the input's data, as the cpu backend's does: tensors are never written in
 * place, so a second reference is enough. The stock wasm kernel copies, and the engine clones every tensor a
 * custom gradient saves (each batch norm's input, for one), so a training step copied every such activation.
 */
function identity(args: { inputs: { x?: TensorInfo }; backend: KernelBackend }): TensorInfo {
  const { x } = args.inputs;
  if (x === undefined) throw new Error('Identity needs input x');
  if (x.dtype === 'string') return stockKernel(Identity)(args) as TensorInfo;
  (args.backend as WasmHeapBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export const wasmIdentityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
