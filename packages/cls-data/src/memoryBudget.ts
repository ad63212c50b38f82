interface Waiting {
  readonly bytes: number;
  readonly start: () => void;
}

/**
 * Runs async tasks that each hold some bytes while they run, at most `capacityBytes` together; queued tasks start
 * in FIFO order. A task larger than the capacity runs alone.
 */
export class MemoryBudget {
  readonly capacityBytes: number;
  #inUse = 0;
  #running = 0;
  #queue: Waiting[] = [];

  constructor(capacityBytes: number) {
    this.capacityBytes = capacityBytes;
  }

  get inUseBytes(): number {
    return this.#inUse;
  }

  async run<T>(bytes: number, task: () => Promise<T>): Promise<T> {
    if (this.#queue.length > 0 || !this.#fits(bytes)) {
      await new Promise<void>((start) => this.#queue.push({ bytes, start }));
    } else {
      this.#take(bytes);
    }
    try {
      return await task();
    } finally {
      this.#inUse -= bytes;
      this.#running--;
      for (let next = this.#queue[0]; next !== undefined && this.#fits(next.bytes); next = this.#queue[0]) {
        this.#queue.shift();
        this.#take(next.bytes);
        next.start();
      }
    }
  }

  #fits(bytes: number): boolean {
    return this.#running === 0 || this.#inUse + bytes <= this.capacityBytes;
  }

  #take(bytes: number): void {
    this.#inUse += bytes;
    this.#running++;
  }
}
