import { ClsError } from '@nextplay/cls-core';

/**
 * One line from a Dawn message after `lead`: its first line, which says what is wrong, and the call it came from
 * (Dawn's "- While calling ..." lines name the shader or pipeline by its label). The WGSL excerpt between them is
 * dropped.
 */
export function describeGpuError(lead: string, message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  // Dawn quotes a label twice over: [ShaderModuleDescriptor ""AdamStep""].
  const call = lines.find((line) => line.startsWith('- While calling'))?.replaceAll('""', '"');
  const what = lines[0] ?? 'no message';
  return `${lead}: ${what}${call === undefined ? '' : ` (${call.slice(2).replace(/^W/, 'w')})`}`;
}

/**
 * The error to throw for a device's uncaptured error, by its class: running out of GPU memory is the user's to fix
 * (a smaller batch); an invalid shader or pipeline, or Dawn's internal error, is a bug in a kernel, ours or tfjs's.
 */
export function uncapturedGpuError(errorClass: string, message: string): Error {
  if (errorClass === 'GPUOutOfMemoryError') {
    return new ClsError('OUT_OF_MEMORY', describeGpuError('out of memory on the WebGPU device', message), {
      hint: 'lower data.batch_size or data.image_size',
    });
  }
  const kind = errorClass === 'GPUValidationError' ? 'validation error' : 'internal error';
  return new Error(describeGpuError(`WebGPU ${kind}`, message));
}

/** The error to throw once the device is lost: a driver reset or a GPU gone, not something a kernel did. */
export function deviceLostError(reason: string, message: string): ClsError {
  return new ClsError('DEVICE_LOST', describeGpuError(`the WebGPU device was lost (${reason})`, message), {
    hint: 'the GPU driver reset it or the GPU is gone; to resume, rerun with ckpt_path=last and hydra.run.dir set to this run',
  });
}

/**
 * The first error a device raises outside any error scope: an invalid shader or pipeline, an allocation that failed,
 * or the device lost. WebGPU reports these as events and leaves the failed work undone, so a kernel whose shader
 * does not compile would give zeros without a word; `throwIfFailed` turns it into an error instead. Later errors
 * are mostly consequences of the first ("invalid due to a previous error") and are not kept.
 */
export class DeviceErrors {
  #first: Error | undefined;

  constructor(device: GPUDevice) {
    device.addEventListener('uncapturederror', (event) => {
      this.#first ??= uncapturedGpuError(event.error.constructor.name, event.error.message);
    });
    void device.lost.then((info) => {
      this.#first ??= deviceLostError(info.reason, info.message);
    });
  }

  get first(): Error | undefined {
    return this.#first;
  }

  throwIfFailed(): void {
    if (this.#first !== undefined) throw this.#first;
  }
}
