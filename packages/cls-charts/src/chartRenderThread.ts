import { Worker } from 'node:worker_threads';
import { compiledWorkerFile, workerExecArgv } from '@nextplay/cls-core';
import { renderChartSvg, type ChartSpec } from './renderChartSvg.js';

/** What the render thread is sent, and what it answers. */
export interface RenderRequest {
  readonly id: number;
  readonly spec: ChartSpec;
}
export type RenderReply =
  { readonly id: number; readonly svg: string } | { readonly id: number; readonly error: string };

let thread: RenderThread | undefined;

/**
 * `renderChartSvg` on a worker thread of its own, so vega's import (~0.7 s) and layout never hold up the thread
 * that trains. One thread per process, started with the first chart; while idle it does not keep the process
 * alive. Without the compiled worker script, renders on this thread.
 */
export function renderChartSvgOffThread(spec: ChartSpec): Promise<string> {
  if (thread === undefined) {
    const file = compiledWorkerFile(import.meta.url, 'chartRenderWorker.js');
    if (file === undefined) return renderChartSvg(spec);
    thread = new RenderThread(file);
  }
  return thread.render(spec);
}

class RenderThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (svg: string) => void; reject: (error: Error) => void }>();
  #nextId = 0;

  constructor(file: string) {
    this.#worker = new Worker(file, { execArgv: workerExecArgv() });
    this.#worker.on('message', (reply: RenderReply) => {
      this.#settle(reply);
    });
    this.#worker.on('error', (error) => {
      this.#fail(error);
    });
    this.#worker.on('exit', (code) => {
      this.#fail(new Error(`the chart render thread exited with code ${code}`));
    });
    // After the listeners: adding a 'message' listener refs the worker's port again.
    this.#worker.unref();
  }

  render(spec: ChartSpec): Promise<string> {
    const id = this.#nextId++;
    if (this.#pending.size === 0) this.#worker.ref();
    return new Promise<string>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        this.#worker.postMessage({ id, spec } satisfies RenderRequest);
      } catch (error) {
        // A spec that cannot be cloned (a function in it): fails alone, and leaves the thread idle.
        this.#settle({ id, error: error instanceof Error ? error.message : String(error) });
      }
    });
  }

  #settle(reply: RenderReply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if ('error' in reply) pending.reject(new Error(reply.error));
    else pending.resolve(reply.svg);
  }

  /** The thread is gone: every chart waiting on it fails, and the next one starts a new thread. */
  #fail(error: Error): void {
    if (thread === this) thread = undefined;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
