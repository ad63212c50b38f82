import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** The most workgroups one dimension of a dispatch may have (WebGPU's guaranteed limit). */
export const MAX_WORKGROUPS = 65535;

/**
 * A WGSL compute shader dispatched on tfjs-backend-webgpu's device outside its program machinery, which gives a
 * program one output only: a training step's fused kernels write several (Adam: parameter, m and v; batch norm:
 * mean and variance). Bindings 0…n−1 are the storage buffers of the tensors passed, in order, and binding n a
 * uniform buffer of `uniformBytes`. The pipeline and the uniform buffer are made once per device.
 */
export class WgslKernel {
  readonly #perDevice = new WeakMap<GPUDevice, { pipeline: GPUComputePipeline; uniforms: GPUBuffer }>();

  constructor(
    readonly label: string,
    readonly source: string,
    readonly uniformBytes: number,
  ) {}

  resources(device: GPUDevice): { pipeline: GPUComputePipeline; uniforms: GPUBuffer } {
    let made = this.#perDevice.get(device);
    if (made === undefined) {
      const module = device.createShaderModule({ code: this.source, label: this.label });
      made = {
        pipeline: device.createComputePipeline({
          layout: 'auto',
          compute: { module, entryPoint: 'main' },
          label: this.label,
        }),
        uniforms: device.createBuffer({
          size: Math.ceil(this.uniformBytes / 16) * 16,
          usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
          label: `${this.label} uniforms`,
        }),
      };
      this.#perDevice.set(device, made);
    }
    return made;
  }
}

export interface WgslDispatch {
  readonly kernel: WgslKernel;
  /** The tensors bound to bindings 0…n−1; outputs are new tensors from `backend.makeTensorInfo`. */
  readonly tensors: readonly TensorInfo[];
  readonly uniforms: ArrayBuffer;
  readonly workgroups: readonly [number, number?, number?];
}

/**
 * Records `dispatches` in one compute pass and submits it after the work tfjs has recorded so far, so that queue
 * order is program order. Each kernel's uniforms are written to its one uniform buffer just before the submit,
 * which is why a kernel may appear only once per call.
 */
export function dispatchWgsl(backend: WebGPUBackend, dispatches: readonly WgslDispatch[]): void {
  const kernels = new Set(dispatches.map((d) => d.kernel));
  if (kernels.size !== dispatches.length) throw new Error('dispatchWgsl: a kernel may run once per call');
  const { device } = backend;
  const bound = dispatches.map((dispatch) => {
    const buffers = dispatch.tensors.map((tensor) => {
      backend.uploadToGPU(tensor.dataId);
      const resource = backend.tensorMap.get(tensor.dataId).resource;
      if (!(resource instanceof GPUBuffer)) {
        throw new Error(`${dispatch.kernel.label}: a tensor is not in a GPU buffer`);
      }
      return resource;
    });
    return { dispatch, buffers, ...dispatch.kernel.resources(device) };
  });
  // Whatever tfjs has recorded (uploads included) goes first.
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  for (const { dispatch, buffers, pipeline, uniforms } of bound) {
    device.queue.writeBuffer(uniforms, 0, dispatch.uniforms);
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({
      binding,
      resource: { buffer },
    }));
    entries.push({ binding: buffers.length, resource: { buffer: uniforms } });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
    const [x, y = 1, z = 1] = dispatch.workgroups;
    pass.dispatchWorkgroups(x, y, z);
  }
  pass.end();
  device.queue.submit([encoder.finish()]);
}

/** Workgroups for a grid-stride loop over `size` values, `perWorkgroup` at a time. */
export function strideWorkgroups(size: number, perWorkgroup: number): number {
  return Math.max(1, Math.min(MAX_WORKGROUPS, Math.ceil(size / perWorkgroup)));
}

/** Packs a uniform struct whose fields are all 4-byte scalars, in declaration order. */
export function packUniforms(fields: readonly (readonly ['u32' | 'i32' | 'f32', number])[]): ArrayBuffer {
  const bytes = new ArrayBuffer(Math.ceil((fields.length * 4) / 16) * 16);
  const view = new DataView(bytes);
  fields.forEach(([type, value], i) => {
    if (type === 'u32') view.setUint32(i * 4, value, true);
    else if (type === 'i32') view.setInt32(i * 4, value, true);
    else view.setFloat32(i * 4, value, true);
  });
  return bytes;
}
