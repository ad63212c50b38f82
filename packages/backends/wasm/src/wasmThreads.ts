import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { Worker as NodeWorker } from 'node:worker_threads';

// tfjs-backend-wasm ships a threaded-SIMD build whose emscripten glue and pthread worker script both support
// Node, but tfjs itself keeps it off there: its WASM_HAS_MULTITHREAD_SUPPORT flag is false on Node, and it hands
// the pthread workers Blob URLs (of the worker script and of its bundled factory), which Node's Worker cannot
// load. What follows supplies the worker in a form Node runs, so the threaded build works unchanged.

const require = createRequire(import.meta.url);

interface PthreadLoadMessage {
  readonly cmd: 'load';
  readonly urlOrBlob: unknown;
}

function isLoadMessage(message: unknown): message is PthreadLoadMessage {
  return typeof message === 'object' && message !== null && (message as { cmd?: unknown }).cmd === 'load';
}

let installed = false;

/**
 * Makes `globalThis.Worker` a Node worker that runs emscripten's pthread script for the threaded-SIMD build. Must
 * run before the wasm backend initializes; it stays in place for the process (the glue looks `Worker` up whenever
 * it starts a pthread).
 */
export function installPthreadWorker(): void {
  if (installed) return;
  const wasmOut = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
  const { wasmWorkerContents } = require(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The script is exported as a template literal, which turned its "\n" escapes into real newlines inside string
  // literals; escape them back so the source parses.
  const workerSource = wasmWorkerContents.replace(/\n/g, '\\n');
  // The worker importScripts() the stand-alone factory instead of tfjs's Blob of the bundled one, which refers to
  // the bundle's closure variables.
  const factoryPath = join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js');

  class PthreadWorker extends NodeWorker {
    constructor() {
      super(workerSource, { eval: true });
    }

    // Pool threads live as long as the process, parked between operations; tensor operations block the main
    // thread until the pool is done, so nothing ever waits on these workers, and they must not keep Node alive.
    override ref(): void {
      // Left unreferenced.
    }

    override postMessage(message: unknown, transferList?: Parameters<NodeWorker['postMessage']>[1]): void {
      const forwarded =
        isLoadMessage(message) && typeof message.urlOrBlob !== 'string'
          ? { ...message, urlOrBlob: factoryPath }
          : message;
      super.postMessage(forwarded, transferList);
    }
  }

  // The glue assigns `globalThis.Worker = worker_threads.Worker` each time it initializes; keep ours.
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    enumerable: false,
    get: () => PthreadWorker,
    set: () => undefined,
  });
  installed = true;
}

/**
 * Runs `initialize` while `os.cpus()` reports `threads * 2` cores: the backend's C++ start-up sizes its thread
 * pool at half the logical cores (it assumes two hyper-threads per core), which would give one thread on a
 * 2-core machine whatever setThreadsCount asked for.
 */
export async function withReportedCores<T>(threads: number, initialize: () => Promise<T>): Promise<T> {
  const realCpus = os.cpus.bind(os);
  os.cpus = () => {
    const cpus = realCpus();
    return Array.from({ length: threads * 2 }, (_, i) => cpus[i % cpus.length]).filter(
      (cpu): cpu is os.CpuInfo => cpu !== undefined,
    );
  };
  try {
    return await initialize();
  } finally {
    os.cpus = realCpus;
  }
}

/** The emscripten module's pthread pool, as far as it is used here. */
interface PthreadPool {
  readonly unusedWorkers: { terminate(): Promise<number> }[];
}

/**
 * Emscripten pre-spawns eight pthread workers, each with its own copy of the module; XNNPACK keeps `threads - 1`
 * busy. Ends the idle ones (about 50 MB). Safe because the pool is created once, at initialization.
 */
export function releaseIdlePthreadWorkers(wasmModule: unknown): number {
  const pool = (wasmModule as { PThread?: PthreadPool }).PThread;
  if (pool === undefined) return 0;
  const idle = pool.unusedWorkers.splice(0);
  for (const worker of idle) void worker.terminate();
  return idle.length;
}
