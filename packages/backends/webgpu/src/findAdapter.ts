import type { BackendAdapter } from '@nextplay/cls-core';
import { dawnGpu } from './dawnGpu.js';
import { describeAdapter } from './gpuAdapter.js';
import { diagnoseVulkan } from './vulkanDiagnosis.js';

export type AdapterSearch = { found: true; adapter: BackendAdapter } | { found: false; reason: string };

/** The adapter tfjs-backend-webgpu will use (WebGPU's high-performance choice), or why there is none. */
export async function findAdapter(): Promise<AdapterSearch> {
  let adapter: GPUAdapter | null;
  try {
    adapter = await (await dawnGpu()).requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return { found: false, reason: `Dawn (the webgpu package) failed to load: ${message}` };
  }
  if (adapter === null) {
    const why =
      diagnoseVulkan() ?? 'the GPU driver offers no adapter Dawn accepts (Vulkan 1.1+, Metal or D3D12)';
    return { found: false, reason: `WebGPU has no adapter: ${why}` };
  }
  return { found: true, adapter: describeAdapter(adapter.info) };
}
