/**
 * Aborts a transfer that hears nothing for `ms` milliseconds: `signal` goes to fetch, `heard()` restarts the
 * countdown on each chunk, `stop()` ends it (and aborts the transfer, so that an abandoned body is released).
 */
export class StallWatchdog {
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout;
  #stalled = false;

  constructor(readonly ms: number) {
    this.#timer = this.#start();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether the transfer was aborted for silence. */
  get stalled(): boolean {
    return this.#stalled;
  }

  heard(): void {
    clearTimeout(this.#timer);
    this.#timer = this.#start();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#controller.abort();
  }

  #start(): NodeJS.Timeout {
    return setTimeout(() => {
      this.#stalled = true;
      this.#controller.abort();
    }, this.ms);
  }
}
