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
// by a worker whose part threw, control[READY] counts started workers, control[NEXT] is the next chunk of rows
// to take, of control[CHUNKS] chunks of control[CHUNK_ROWS] rows; the job's arguments follow from ARGS.
const [GENERATION, PENDING, FAILED, READY, NEXT, CHUNKS, CHUNK_ROWS, ARGS] = [0, 1, 2, 3, 4, 5, 6, 7];
/** Chunks per thread: threads take chunks as they finish, so one slowed thread does not hold up the job. */
const CHUNKS_PER_THREAD = 4;

/**
 * Runs chunks of the job's rows until none are left; both this thread and the workers run it (workers from its
 * source text, with the constants it uses defined before it).
 */
function takeChunks(gemm: GemmExport, control: Int32Array): void {
  const args = Array.from(control.subarray(ARGS, ARGS + ARGUMENTS)) as GemmArgs;
  const [start, end] = [args[ROW_START], args[ROW_END]];
  const chunks = control[CHUNKS] ?? 0;
  const chunkRows = control[CHUNK_ROWS] ?? 0;
  for (let chunk = Atomics.add(control, NEXT, 1); chunk < chunks; chunk = Atomics.add(control, NEXT, 1)) {
    args[ROW_START] = start + chunk * chunkRows;
    args[ROW_END] = Math.min(end, args[ROW_START] + chunkRows);
    gemm(...args);
  }
}

const workerSource = `
const { workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const [ARGS, ARGUMENTS, ROW_START, ROW_END, NEXT, CHUNKS, CHUNK_ROWS] =
  [${ARGS}, ${ARGUMENTS}, ${ROW_START}, ${ROW_END}, ${NEXT}, ${CHUNKS}, ${CHUNK_ROWS}];
${takeChunks.toString()}
Atomics.add(control, ${READY}, 1);
Atomics.notify(control, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(control, ${GENERATION}, seen);
  seen = Atomics.load(control, ${GENERATION});
  try {
    takeChunks(gemm, control);
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
 * shared memory, this thread taking part. Jobs are synchronous, like every tfjs kernel: this thread
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
    this.#control = new Int32Array(new SharedArrayBuffer(4 * (ARGS + ARGUMENTS)));
    for (let index = 1; index < threads; index++) {
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { module, memory, control: this.#control },
      });
      worker.unref();
      this.#workers.push(worker);
    }
  }

  /** Whether jobs run on the workers too: known after the first job, false until then. */
  get parallel(): boolean {
    return this.#started === true;
  }

  /** Runs `gemm` over rows [args.rowStart, args.rowEnd), in chunks of whole tiles taken by whichever thread is free. */
  run(gemm: GemmExport, args: GemmArgs): void {
    if (!this.#ready()) {
      gemm(...args);
      return;
    }
    const control = this.#control;
    const tiles = Math.ceil((args[ROW_END] - args[ROW_START]) / TILE_ROWS);
    const chunkTiles = Math.max(1, Math.ceil(tiles / (CHUNKS_PER_THREAD * this.#threads)));
    control.set(args, ARGS);
    control[CHUNKS] = Math.ceil(tiles / chunkTiles);
    control[CHUNK_ROWS] = chunkTiles * TILE_ROWS;
    Atomics.store(control, NEXT, 0);
    Atomics.store(control, PENDING, this.#threads - 1);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    takeChunks(gemm, control);
    for (
      let pending = Atomics.load(control, PENDING);
      pending !== 0;
      pending = Atomics.load(control, PENDING)
    ) {
      Atomics.wait(control, PENDING, pending);
    }
    if (Atomics.exchange(control, FAILED, 0) !== 0) throw new Error('gemm: a worker thread failed its part');
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
