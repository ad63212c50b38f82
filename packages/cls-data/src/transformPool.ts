import { Worker } from 'node:worker_threads';
import {
  ClsError,
  compiledWorkerFile,
  workerExecArgv,
  type ClsErrorCode,
  type ImageSize,
  type RawImage,
} from '@nextplay/cls-core';
import type { StepRecipe } from './builtinImageTransforms.js';
import type { ResizeMode } from './decodeImage.js';

/** What each transform worker is started with: the steps to rebuild and how images end. */
export interface TransformWorkerSetup {
  readonly train: readonly StepRecipe[];
  readonly eval: readonly StepRecipe[];
  readonly imageSize: ImageSize;
  readonly resize: ResizeMode;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** A chunk of a batch: decoded images (views on shared memory when cached) and their draws. */
export interface TransformJob {
  readonly id: number;
  readonly images: readonly RawImage[];
  readonly draws: readonly number[];
  readonly seed: number;
  readonly epoch: number;
  readonly augment: boolean;
  /** Where the worker writes the chunk's normalized pixels, one image after another. */
  readonly output: Float32Array;
}

export type TransformReply =
  | { readonly id: number }
  | {
      readonly id: number;
      readonly error: { readonly message: string; readonly code: ClsErrorCode | undefined };
    };

interface Pending {
  readonly output: Float32Array;
  readonly target: Float32Array;
  readonly offset: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** The compiled worker script; undefined when run from source without a build. */
export function transformWorkerFile(): string | undefined {
  return compiledWorkerFile(import.meta.url, 'transformWorker.js');
}

/**
 * `data.num_workers` worker threads that run the per-image steps, normalize and hand back a chunk's pixels. Each
 * job goes to the worker with the fewest in flight. Idle workers never keep the process alive.
 *
 * Workers write into shared output buffers that the pool reuses, and this thread copies each chunk out: a fresh
 * buffer per chunk (transferred back) made this thread collect garbage so often that it starved the workers.
 */
export class TransformPool {
  readonly threads: number;
  readonly #workers: Worker[] = [];
  readonly #inFlight: number[] = [];
  readonly #pending = new Map<number, Pending>();
  /** Output buffers of finished jobs, for the next ones. */
  readonly #spareOutputs: Float32Array[] = [];
  #nextId = 0;

  constructor(file: string, setup: TransformWorkerSetup, threads: number) {
    this.threads = threads;
    for (let index = 0; index < threads; index++) {
      const worker = new Worker(file, { workerData: setup, execArgv: workerExecArgv(process.execArgv) });
      worker.on('message', (reply: TransformReply) => {
        this.#settle(index, reply);
      });
      worker.on('error', (error) => {
        for (const [id, pending] of this.#pending) {
          this.#pending.delete(id);
          pending.reject(error);
        }
      });
      // After the listeners: adding a 'message' listener refs the worker's port again.
      worker.unref();
      this.#workers.push(worker);
      this.#inFlight.push(0);
    }
  }

  /** Writes the normalized pixels of `job`'s images (`pixelsPerImage` values each) to `target` from `offset`. */
  run(
    job: Omit<TransformJob, 'id' | 'output'>,
    pixelsPerImage: number,
    target: Float32Array,
    offset: number,
  ): Promise<void> {
    let index = 0;
    for (let i = 1; i < this.#workers.length; i++) {
      if ((this.#inFlight[i] ?? 0) < (this.#inFlight[index] ?? 0)) index = i;
    }
    const worker = this.#workers[index];
    if (worker === undefined) return Promise.reject(new RangeError('a transform pool has no workers'));
    const id = this.#nextId++;
    const inFlight = this.#inFlight[index] ?? 0;
    if (inFlight === 0) worker.ref();
    this.#inFlight[index] = inFlight + 1;
    const output = this.#takeOutput(job.images.length * pixelsPerImage);
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { output, target, offset, resolve, reject });
      worker.postMessage({ ...job, id, output } satisfies TransformJob);
    });
  }

  /** A spare shared output buffer of `length` values, or a new one. */
  #takeOutput(length: number): Float32Array {
    const index = this.#spareOutputs.findIndex((output) => output.length >= length);
    const [spare] = index >= 0 ? this.#spareOutputs.splice(index, 1) : [];
    return (spare ?? new Float32Array(new SharedArrayBuffer(length * 4))).subarray(0, length);
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #settle(index: number, reply: TransformReply): void {
    const left = (this.#inFlight[index] ?? 1) - 1;
    this.#inFlight[index] = left;
    if (left === 0) this.#workers[index]?.unref();
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    const { output } = pending;
    if (!('error' in reply)) pending.target.set(output, pending.offset);
    this.#spareOutputs.push(new Float32Array(output.buffer));
    if (!('error' in reply)) pending.resolve();
    else {
      pending.reject(
        reply.error.code === undefined
          ? new Error(reply.error.message)
          : new ClsError(reply.error.code, reply.error.message),
      );
    }
  }
}

/** A copy of `image` in shared memory, so workers read it where it lies. */
export function toSharedImage(image: RawImage): RawImage {
  if (image.data.buffer instanceof SharedArrayBuffer) return image;
  const data = new Uint8Array(new SharedArrayBuffer(image.data.byteLength));
  data.set(image.data);
  return { data, width: image.width, height: image.height, channels: image.channels };
}
