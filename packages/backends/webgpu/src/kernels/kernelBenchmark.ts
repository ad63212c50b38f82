import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { TileSize } from './tiledMatrixProduct.js';

/**
 * How convolutions and matrix products pick between tfjs-webgpu's kernel and our tiled product and its tile sizes:
 * `stock` (the default, so a run's kernels do not depend on timings: tfjs-webgpu's in float32 but for the filter
 * gradient, ours with 64² tiles there and in float16), `measure` (`trainer.benchmark`, as Lightning's flag sets
 * `torch.backends.cudnn.benchmark`: per shape, the fastest by GPU time), or ours (for benchmarks and tests), with
 * 64² tiles or the size named. One setting for the process, as TensorFlow.js has one webgpu backend per process.
 */
export type ProductKernelChoice = 'stock' | 'measure' | 'ours' | `ours-${TileSize}`;

let productChoice: ProductKernelChoice = 'stock';

export function productKernelChoice(): ProductKernelChoice {
  return productChoice;
}

export function setProductKernelChoice(choice: ProductKernelChoice): void {
  productChoice = choice;
}

/** The candidate that ran first: its result is the one returned while a shape is being timed. */
const FIRST = 0;

/**
 * Picks, per key (a kernel's shapes and attributes), the fastest of candidates that compute the same thing. The
 * first `rounds` calls with a key run every candidate, each timed on the GPU with timestamp queries
 * (`backend.time`), and return the first candidate's result; once their timings are back, the key runs its
 * fastest candidate (by median) alone. Without timestamp queries the first candidate always runs.
 */
export class MeasuredChoice {
  readonly #fastest = new Map<string, number>();
  /** Per key, per candidate, the GPU milliseconds of each timed round. */
  readonly #timings = new Map<string, number[][]>();
  /** Per key, the timed rounds started (finished or not). */
  readonly #started = new Map<string, number>();

  constructor(readonly rounds = 3) {}

  /** The candidate index chosen for `key`, once its timings are back. */
  chosen(key: string): number | undefined {
    return this.#fastest.get(key);
  }

  /** Every choice made: [key, candidate index]. */
  choices(): [string, number][] {
    return [...this.#fastest];
  }

  run(backend: WebGPUBackend, key: string, candidates: readonly (() => TensorInfo)[]): TensorInfo {
    const fastest = this.#fastest.get(key);
    const first = candidates[FIRST];
    if (first === undefined) throw new Error('MeasuredChoice: no candidate kernels');
    if (fastest !== undefined) return (candidates[fastest] ?? first)();
    const started = this.#started.get(key) ?? 0;
    if (candidates.length === 1 || !timestampQueries(backend) || started >= this.rounds) return first();
    this.#started.set(key, started + 1);
    // backend.time runs its function at once; a throw inside it would leave tfjs timing every later program, so
    // failures are caught there: the first candidate's is rethrown, another's rules that candidate out.
    let result: TensorInfo | undefined;
    let firstFailure: { error: unknown } | undefined;
    const failed = new Set<number>();
    const timings = candidates.map((candidate, index) =>
      backend.time(() => {
        if (firstFailure !== undefined) return;
        try {
          const output = candidate();
          if (index === FIRST) result = output;
          else backend.disposeData(output.dataId);
        } catch (error) {
          if (index === FIRST) firstFailure = { error };
          failed.add(index);
        }
      }),
    );
    if (firstFailure !== undefined) throw firstFailure.error;
    void Promise.all(timings).then(
      (measured) => {
        this.#record(
          key,
          measured.map((timing, index) => (failed.has(index) ? Infinity : timing.kernelMs)),
        );
      },
      // A round that cannot be timed settles the key on the first candidate.
      () => this.#fastest.set(key, FIRST),
    );
    if (result === undefined) throw new Error('MeasuredChoice: the first candidate returned nothing');
    return result;
  }

  #record(key: string, kernelMs: readonly (number | { error: string })[]): void {
    if (kernelMs.some((ms) => typeof ms !== 'number')) {
      this.#fastest.set(key, FIRST);
      return;
    }
    const timings = this.#timings.get(key) ?? kernelMs.map(() => []);
    kernelMs.forEach((ms, index) => timings[index]?.push(ms as number));
    this.#timings.set(key, timings);
    if ((timings[FIRST]?.length ?? 0) < this.rounds) return;
    const medians = timings.map(median);
    this.#fastest.set(key, medians.indexOf(Math.min(...medians)));
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Infinity;
}

function timestampQueries(backend: WebGPUBackend): boolean {
  return (backend as unknown as { supportTimestampQuery?: boolean }).supportTimestampQuery === true;
}
