import type { BackendAdapter } from '@nextplay/cls-core';

/** The fields of WebGPU's `GPUAdapterInfo` (and Dawn's `isFallbackAdapter`) that name an adapter. */
export interface AdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter?: boolean;
}

const SOFTWARE_RENDERERS = /llvmpipe|lavapipe|swiftshader|softpipe|warp|basic render driver/i;

/** A CPU emulating a GPU: WebGPU's fallback adapter, or a renderer known to be one. */
export function isSoftwareAdapter(info: AdapterInfo): boolean {
  return (
    info.isFallbackAdapter === true ||
    info.architecture === 'software' ||
    SOFTWARE_RENDERERS.test(`${info.device} ${info.description}`)
  );
}

/** What the log and results.json say about an adapter: vendor, device (or architecture), driver. */
export function describeAdapter(info: AdapterInfo): BackendAdapter {
  return {
    vendor: info.vendor || 'unknown',
    device: info.device || info.architecture || 'unknown',
    driver: info.description || 'unknown',
    software: isSoftwareAdapter(info),
  };
}

export function formatAdapter(adapter: BackendAdapter): string {
  return `${adapter.vendor} ${adapter.device}, driver ${adapter.driver}${adapter.software ? ', software' : ''}`;
}
