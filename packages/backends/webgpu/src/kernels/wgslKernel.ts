import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { env, type TensorInfo } from '@tensorflow/tfjs-core';

/** The most workgroups one dimension of a dispatch may have (WebGPU's guaranteed limit). */
export const MAX_WORKGROUPS = 65535;

/**
 * A WGSL compute shader dispatched on tfjs-backend-webgpu's device outside its program machinery, which gives a
 * program one output only: a training step's fused kernels write several (Adam: parameter, m and v; batch norm:
 * mean and variance). Bindings 0…n−1 are the storage buffers of the tensors passed, in order, and binding n a
 * uniform buffer of at least `uniformBytes`. The pipeline is made once per device.
 */
export class WgslKernel {
  readonly #perDevice = new WeakMap<GPUDevice, KernelPipeline>();

  constructor(
    readonly label: string,
    readonly source: string,
    readonly uniformBytes: number,
  ) {}

  pipeline(device: GPUDevice): KernelPipeline {
    let made = this.#perDevice.get(device);
    if (made === undefined) {
      const module = device.createShaderModule({ code: this.source, label: this.label });
      const pipeline = device.createComputePipeline({
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
        label: this.label,
      });
      made = { pipeline, layout: pipeline.getBindGroupLayout(0) };
      this.#perDevice.set(device, made);
    }
    return made;
  }
}

interface KernelPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

export interface WgslDispatch {
  readonly kernel: WgslKernel;
  /** The tensors bound to bindings 0…n−1; outputs are new tensors from `backend.makeTensorInfo`. */
  readonly tensors: readonly TensorInfo[];
  readonly uniforms: ArrayBuffer;
  readonly workgroups: readonly [number, number?, number?];
}

/**
 * The command recording state of tfjs-backend-webgpu 4.22 (private fields, pinned by the exact version in
 * package.json). Our dispatches go into its open compute pass, as its own programs' do, so a step costs no extra
 * submits: it submits every `WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE` dispatches and whenever data is read back.
 */
interface CommandRecorder {
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  readonly commandQueueOwnedIds: WeakSet<object>;
  readonly uniformPendingDisposal: GPUBuffer[];
  /** Set while `tf.time`/`tf.profile` (or `backend.time`) time the programs run. */
  readonly activeTimers?: { name: string; query: Promise<number> }[] | null;
  readonly supportTimestampQuery: boolean;
  querySet: GPUQuerySet | null;
  readonly querySetCount: number;
  /** Resolves the pass's two timestamps (slots 0 and 1) into milliseconds, submitting what was recorded. */
  getQueryTime(): Promise<number>;
}

function commandRecorder(backend: WebGPUBackend): CommandRecorder {
  const recorder = backend as unknown as Partial<CommandRecorder>;
  if (
    typeof recorder.dispatchCountInPass !== 'number' ||
    !Array.isArray(recorder.uniformPendingDisposal) ||
    !(recorder.commandQueueOwnedIds instanceof WeakSet) ||
    typeof recorder.getQueryTime !== 'function'
  ) {
    throw new Error(
      'dispatchWgsl: @tensorflow/tfjs-backend-webgpu is not the 4.22.0 this backend records its kernels into',
    );
  }
  return recorder as CommandRecorder;
}

/**
 * Records `dispatches`, in order, into tfjs's command encoder after the work tfjs has recorded so far, so queue
 * order is program order. Each dispatch's uniforms go to a buffer from tfjs's pool that is released at the next
 * submit, as tfjs does for its programs, and the bound tensors are marked as owned by the queue, so that a
 * tensor disposed before that submit keeps its buffer until then.
 */
export function dispatchWgsl(backend: WebGPUBackend, dispatches: readonly WgslDispatch[]): void {
  const { device } = backend;
  const recorder = commandRecorder(backend);
  for (const dispatch of dispatches) {
    const { kernel } = dispatch;
    if (dispatch.uniforms.byteLength < kernel.uniformBytes) {
      throw new Error(
        `${kernel.label}: ${dispatch.uniforms.byteLength} bytes of uniforms, expected ${kernel.uniformBytes}`,
      );
    }
    // An upload may record a copy and end the open pass, so all of them come before the dispatch is recorded.
    const entries: GPUBindGroupEntry[] = dispatch.tensors.map((tensor, binding) => {
      backend.uploadToGPU(tensor.dataId);
      const resource = backend.tensorMap.get(tensor.dataId).resource;
      if (!(resource instanceof GPUBuffer))
        throw new Error(`${kernel.label}: a tensor is not in a GPU buffer`);
      recorder.commandQueueOwnedIds.add(tensor.dataId);
      return { binding, resource: { buffer: resource } };
    });
    const uniforms = backend.bufferManager.acquireBuffer(
      dispatch.uniforms.byteLength,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    );
    device.queue.writeBuffer(uniforms, 0, dispatch.uniforms);
    recorder.uniformPendingDisposal.push(uniforms);
    entries.push({ binding: entries.length, resource: { buffer: uniforms } });
    const { pipeline, layout } = kernel.pipeline(device);
    const bindGroup = device.createBindGroup({ layout, entries });
    backend.ensureCommandEncoderReady();
    const encoder = recorder.commandEncoder;
    if (encoder === null) throw new Error('dispatchWgsl: tfjs opened no command encoder');
    // While programs are timed, each runs in a pass of its own that writes timestamps, as tfjs's do.
    const timed = recorder.activeTimers != null;
    const timers = recorder.supportTimestampQuery ? (recorder.activeTimers ?? null) : null;
    if (timers !== null) {
      backend.endComputePassEncoder();
      recorder.querySet ??= device.createQuerySet({ type: 'timestamp', count: recorder.querySetCount });
      recorder.computePassEncoder = encoder.beginComputePass({
        timestampWrites: {
          querySet: recorder.querySet,
          beginningOfPassWriteIndex: 0,
          endOfPassWriteIndex: 1,
        },
      });
    }
    recorder.computePassEncoder ??= encoder.beginComputePass();
    const pass = recorder.computePassEncoder;
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const [x, y = 1, z = 1] = dispatch.workgroups;
    pass.dispatchWorkgroups(x, y, z);
    recorder.dispatchCountInPass += 1;
    if (timers !== null) {
      backend.endComputePassEncoder();
      timers.push({ name: kernel.label, query: recorder.getQueryTime() });
    } else if (
      timed ||
      recorder.dispatchCountInPass >= Number(env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'))
    ) {
      backend.endComputePassEncoder();
      backend.submitQueue();
    }
  }
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
