import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/** Per backend, the tensor data with reads from the GPU started and not yet finished, and how many. */
const inFlight = new WeakMap<WebGPUBackend, Map<object, number>>();

/**
 * Counts `backend`'s reads while they run, for `readInFlight`. A read copies the values when it is recorded but
 * caches them on the tensor's data when it finishes, so a kernel that wrote over that data in between would leave
 * the old values cached as the new ones.
 */
export function trackReads(backend: WebGPUBackend): void {
  const reads = new Map<object, number>();
  inFlight.set(backend, reads);
  const read = backend.read.bind(backend);
  backend.read = async (dataId) => {
    reads.set(dataId, (reads.get(dataId) ?? 0) + 1);
    try {
      return await read(dataId);
    } finally {
      const left = (reads.get(dataId) ?? 1) - 1;
      if (left === 0) reads.delete(dataId);
      else reads.set(dataId, left);
    }
  };
}

/** Whether a read of this tensor data is under way (`trackReads`). */
export function readInFlight(backend: WebGPUBackend, dataId: object): boolean {
  return inFlight.get(backend)?.has(dataId) === true;
}
