import { Worker } from 'node:worker_threads';
import { TILE_ROWS } from './gemmSimdModule.js';

/** The gemm export's arguments (see `gemmSimdModule`). */
export type GemmArgs = [
  rowTable: number,
  segments: number,
  segmentBytes: number,
  bp: number,
  panelBytes: number,
  c: number,
  ldc: number,
  rowStart: number,
  rowEnd: number,
  panels: number,
  accumulate: number,
];
export type GemmExport = (...args: GemmArgs) => void;

const ARGUMENTS = 11;
const ROW_START = 7;
const ROW_END = 8;
// control[GENERATION] counts jobs, control[PENDING] the workers still at the current one, control[FAILED] is set
// by a worker whose share threw, control[READY] counts started workers; each thread's arguments follow from ARGS.
const [GENERATION, PENDING, FAILED, READY, ARGS] = [0, 1, 2, 3, 4];

/** Each worker runs its share of the rows of every job. */
const workerSource = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, index } = workerData;
const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
Atomics.add(control, ${READY}, 1);
Atomics.notify(control, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(control, ${GENERATION}, seen);
  seen = Atomics.load(control, ${GENERATION});
  try {
    const start = ${ARGS} + index * ${ARGUMENTS};
    gemm(...control.subarray(start, start + ${ARGUMENTS}));
  } catch {
    Atomics.store(control, ${FAILED}, 1);
  }
  if (Atomics.sub(control, ${PENDING}, 1) === 1) Atomics.notify(control, ${PENDING});
}
`;

/** How long the first job waits for the workers to start before running on this thread alone. */
const START_TIMEOUT_MS = 10_000;

/**
 * Splits matrix products by row tiles over worker threads that instantiate the same module on the backend's
 * shared memory, this thread taking the first share. Jobs are synchronous, like every tfjs kernel: this thread
 * blocks (Atomics.wait) until the workers are done. Every element's sum runs in the same order whichever thread
 * computes it, so results do not depend on the thread count. The workers never keep the process alive.
 */
export class GemmWorkers {
  readonly #control: Int32Array;
  readonly #threads: number;
  readonly #workers: Worker[] = [];
  #started: boolean | undefined;

  constructor(module: object, memory: object, threads: number) {
    this.#threads = threads;
    this.#control = new Int32Array(new SharedArrayBuffer(4 * (ARGS + ARGUMENTS * threads)));
    for (let index = 1; index < threads; index++) {
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { module, memory, control: this.#control, index },
      });
      worker.unref();
      this.#workers.push(worker);
    }
  }

  /** Whether jobs run on the workers too: known after the first job, false until then. */
  get parallel(): boolean {
    return this.#started === true;
  }

  /** Runs `gemm` over rows [args.rowStart, args.rowEnd), split across the threads by whole tiles. */
  run(gemm: GemmExport, args: GemmArgs): void {
    if (!this.#ready()) {
      gemm(...args);
      return;
    }
    const control = this.#control;
    const threads = this.#threads;
    const first = args[ROW_START];
    const tiles = Math.ceil((args[ROW_END] - first) / TILE_ROWS);
    const bound = (index: number): number =>
      Math.min(args[ROW_END], first + Math.floor((index * tiles) / threads) * TILE_ROWS);
    for (let index = 1; index < threads; index++) {
      const share: GemmArgs = [...args];
      share[ROW_START] = bound(index);
      share[ROW_END] = bound(index + 1);
      control.set(share, ARGS + index * ARGUMENTS);
    }
    Atomics.store(control, PENDING, threads - 1);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    const own: GemmArgs = [...args];
    own[ROW_END] = bound(1);
    gemm(...own);
    for (
      let pending = Atomics.load(control, PENDING);
      pending !== 0;
      pending = Atomics.load(control, PENDING)
    ) {
      Atomics.wait(control, PENDING, pending);
    }
    if (Atomics.exchange(control, FAILED, 0) !== 0) throw new Error('gemm: a worker thread failed its share');
  }

  #ready(): boolean {
    if (this.#started === undefined) {
      const deadline = Date.now() + START_TIMEOUT_MS;
      let ready = Atomics.load(this.#control, READY);
      while (ready < this.#threads - 1 && Date.now() < deadline) {
        Atomics.wait(this.#control, READY, ready, deadline - Date.now());
        ready = Atomics.load(this.#control, READY);
      }
      this.#started = ready === this.#threads - 1;
      if (!this.#started) for (const worker of this.#workers) void worker.terminate();
    }
    return this.#started;
  }
}
