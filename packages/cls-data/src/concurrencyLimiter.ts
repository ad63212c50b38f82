interface Queued {
  readonly group: object | undefined;
  readonly start: () => void;
}

/**
 * Runs async tasks with at most `limit` in flight, starting queued ones in FIFO order. `startGroup` starts the
 * queued tasks of one group at once, past the limit, for work that must be under way before the caller blocks.
 */
export class ConcurrencyLimiter {
  readonly limit: number;
  #active = 0;
  #queue: Queued[] = [];

  constructor(limit: number) {
    this.limit = Math.max(1, Math.floor(limit));
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#queue.length;
  }

  async run<T>(task: () => Promise<T>, group?: object): Promise<T> {
    if (this.#active >= this.limit) {
      await new Promise<void>((start) => this.#queue.push({ group, start }));
    } else {
      this.#active++;
    }
    try {
      return await task();
    } finally {
      this.#active--;
      while (this.#active < this.limit) {
        const next = this.#queue.shift();
        if (next === undefined) break;
        this.#active++;
        next.start();
      }
    }
  }

  /** Starts every queued task of `group` now. */
  startGroup(group: object): void {
    const starting = this.#queue.filter((queued) => queued.group === group);
    if (starting.length === 0) return;
    this.#queue = this.#queue.filter((queued) => queued.group !== group);
    this.#active += starting.length;
    for (const queued of starting) queued.start();
  }
}
