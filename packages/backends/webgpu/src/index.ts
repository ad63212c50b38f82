import { webgpuBackendPlugin } from './webgpuBackendPlugin.js';

export { webgpuBackendPlugin } from './webgpuBackendPlugin.js';
export { WebGpuBackend } from './webgpuBackend.js';
export { findAdapter } from './findAdapter.js';
export type { AdapterSearch } from './findAdapter.js';
export { describeAdapter, formatAdapter, isSoftwareAdapter } from './gpuAdapter.js';
export type { AdapterInfo } from './gpuAdapter.js';
export { diagnoseVulkan } from './vulkanDiagnosis.js';
export { gpuDeviceNodesPresent } from './gpuDeviceNodes.js';
export { dawnEventPolling, pollingSleepMs, setDawnEventPolling } from './dawnEventPolling.js';
export type { DawnEventPolling } from './dawnEventPolling.js';
export {
  registerWebGpuTrainingKernels,
  unregisterWebGpuTrainingKernels,
  webgpuTrainingKernels,
} from './kernels/registerWebGpuTrainingKernels.js';

export { MeasuredChoice, productKernelChoice, setProductKernelChoice } from './kernels/kernelBenchmark.js';
export type { ProductKernelChoice } from './kernels/kernelBenchmark.js';
export { productKernelDecisions } from './kernels/productKernel.js';
export type { ProductKernelDecision } from './kernels/productKernel.js';

export const webgpuBackendPlugins = [webgpuBackendPlugin];
export default webgpuBackendPlugin;
