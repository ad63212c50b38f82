import { Worker } from 'node:worker_threads';

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

/** The pack export's arguments (see `gemmSimdModule`). */
export type PackArgs = [
  rowTable: number,
  panels: number,
  kStart: number,
  kEnd: number,
  bp: number,
  panelBytes: number,
];
export type PackExport = (...args: PackArgs) => void;

/** The adam export's arguments (see `adamSimdModule`): addresses, the byte range, then the step's scalars. */
export type AdamArgs = [
  p: number,
  g: number,
  m: number,
  v: number,
  pOut: number,
  mOut: number,
  vOut: number,
  start: number,
  end: number,
  ...scalars: number[],
];
export type AdamExport = (...args: AdamArgs) => void;

/**
 * A job: one of the module's functions over a range of rows, whose bounds are the arguments at `range` and
 * `range + 1`, split into chunks of whole `unit`s of rows.
 */
interface Job {
  readonly fn: (typeof FUNCTIONS)[number];
  readonly args: readonly number[];
  readonly range: number;
  readonly unit: number;
}

const FUNCTIONS = ['gemm', 'pack', 'adam'] as const;
const MAX_ARGUMENTS = 18;
// control[GENERATION] counts jobs, control[PENDING] the workers still at the current one, control[FAILED] is set
// by a worker whose part threw, control[READY] counts started workers, control[NEXT] is the next chunk to take, of
// control[CHUNKS] chunks of control[CHUNK_ROWS] rows; then the function's index in FUNCTIONS, the argument index of
// its range and its argument count. The arguments themselves are float64 (addresses and float32 scalars alike).
const [GENERATION, PENDING, FAILED, READY, NEXT, CHUNKS, CHUNK_ROWS, FUNCTION, RANGE, COUNT] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
];
const CONTROL_SIZE = 10;
/** Chunks per thread: threads take chunks as they finish, so one slowed thread does not hold up the job. */
const CHUNKS_PER_THREAD = 8;

type ModuleFunction = (...args: number[]) => void;

/**
 * Runs chunks of the current job's rows until none are left; both this thread and the workers run it (workers from
 * its source text, with the constants it uses defined before it).
 */
function takeChunks(
  functions: readonly ModuleFunction[],
  control: Int32Array,
  argValues: Float64Array,
): void {
  const fn = functions[control[FUNCTION] ?? 0];
  const range = control[RANGE] ?? 0;
  const args = Array.from(argValues.subarray(0, control[COUNT] ?? 0));
  const [start, end] = [args[range] ?? 0, args[range + 1] ?? 0];
  const chunks = control[CHUNKS] ?? 0;
  const chunkRows = control[CHUNK_ROWS] ?? 0;
  for (let chunk = Atomics.add(control, NEXT, 1); chunk < chunks; chunk = Atomics.add(control, NEXT, 1)) {
    args[range] = start + chunk * chunkRows;
    args[range + 1] = Math.min(end, start + (chunk + 1) * chunkRows);
    if (fn === undefined) throw new Error('the module lacks the function of the job');
    fn(...args);
  }
}

/**
 * Blocks until the job counter moves past `seen`, and returns it. A wake-up alone is no new job: the notify of a job
 * this thread already took (it saw the new generation before the notify came, the main thread being descheduled in
 * between) would otherwise make it take that job twice, and the main thread would wait for ever.
 */
export function nextGeneration(control: Int32Array, seen: number): number {
  for (;;) {
    const generation = Atomics.load(control, GENERATION);
    if (generation !== seen) return generation;
    Atomics.wait(control, GENERATION, seen);
  }
}

const workerSource = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, argValues } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
const functions = ${JSON.stringify(FUNCTIONS)}.map((name) => exports[name]);
const [GENERATION, NEXT, CHUNKS, CHUNK_ROWS, FUNCTION, RANGE, COUNT] =
  [${GENERATION}, ${NEXT}, ${CHUNKS}, ${CHUNK_ROWS}, ${FUNCTION}, ${RANGE}, ${COUNT}];
${takeChunks.toString()}
${nextGeneration.toString()}
Atomics.add(control, ${READY}, 1);
Atomics.notify(control, ${READY});
let seen = 0;
for (;;) {
  seen = nextGeneration(control, seen);
  try {
    takeChunks(functions, control, argValues);
  } catch {
    Atomics.store(control, ${FAILED}, 1);
  }
  if (Atomics.sub(control, ${PENDING}, 1) === 1) Atomics.notify(control, ${PENDING});
}
`;

/** How long the first job waits for the workers to start before running on this thread alone. */
const START_TIMEOUT_MS = 10_000;

/**
 * Splits the range functions of the parallel kernels' module (gemm by row tiles, pack by rows of B, adam by bytes)
 * over worker threads that instantiate the same module on the backend's shared memory, this thread taking part:
 * each thread takes chunks as it finishes. Jobs are synchronous, like every tfjs kernel: this thread blocks (Atomics.wait) until the workers
 * are done. Every output value is computed the same way whichever thread computes it, so results do not depend on
 * the thread count. The workers never keep the process alive.
 */
export class KernelWorkers {
  readonly #control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SIZE));
  readonly #argValues = new Float64Array(new SharedArrayBuffer(8 * MAX_ARGUMENTS));
  readonly #threads: number;
  readonly #workers: Worker[] = [];
  #started: boolean | undefined;

  constructor(module: object, memory: object, threads: number) {
    this.#threads = threads;
    for (let index = 1; index < threads; index++) {
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { module, memory, control: this.#control, argValues: this.#argValues },
      });
      worker.unref();
      this.#workers.push(worker);
    }
  }

  /** Whether jobs run on the workers too: known after the first job, false until then. */
  get parallel(): boolean {
    return this.#started === true;
  }

  /** gemm over rows [args.rowStart, args.rowEnd), in chunks of whole 6-row tiles. */
  gemm(gemm: GemmExport, args: GemmArgs, tileRows: number): void {
    this.#run(gemm, { fn: 'gemm', args, range: 7, unit: tileRows });
  }

  /** pack over rows [args.kStart, args.kEnd) of B. */
  pack(pack: PackExport, args: PackArgs): void {
    this.#run(pack, { fn: 'pack', args, range: 2, unit: 64 });
  }

  /** adam over bytes [args.start, args.end), in chunks of 16 KiB. */
  adam(adam: AdamExport, args: AdamArgs): void {
    this.#run(adam, { fn: 'adam', args, range: 7, unit: 16 * 1024 });
  }

  #run(own: ModuleFunction, { fn, args, range, unit }: Job): void {
    if (!this.#ready()) {
      own(...args);
      return;
    }
    const control = this.#control;
    const units = Math.ceil(((args[range + 1] ?? 0) - (args[range] ?? 0)) / unit);
    const chunkUnits = Math.max(1, Math.ceil(units / (CHUNKS_PER_THREAD * this.#threads)));
    const functions = FUNCTIONS.map((name) => (name === fn ? own : () => undefined));
    this.#argValues.set(args);
    control[COUNT] = args.length;
    control[FUNCTION] = FUNCTIONS.indexOf(fn);
    control[RANGE] = range;
    control[CHUNKS] = Math.ceil(units / chunkUnits);
    control[CHUNK_ROWS] = chunkUnits * unit;
    Atomics.store(control, NEXT, 0);
    Atomics.store(control, PENDING, this.#threads - 1);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    try {
      takeChunks(functions, control, this.#argValues);
    } finally {
      // The workers finish the job before this thread reports its own failure or starts another job.
      for (
        let pending = Atomics.load(control, PENDING);
        pending > 0;
        pending = Atomics.load(control, PENDING)
      ) {
        Atomics.wait(control, PENDING, pending);
      }
    }
    if (Atomics.load(control, PENDING) < 0) throw new Error(`${fn}: a worker thread took its part twice`);
    if (Atomics.exchange(control, FAILED, 0) !== 0) throw new Error(`${fn}: a worker thread failed its part`);
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
