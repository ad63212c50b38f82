/** The memory decoded images may hold (`data.cache_max_mb`), shared by the splits of a dataset (train first). */
export class CacheBudget {
  #remaining: number;
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
    this.#remaining = limitBytes;
  }

  /** Reserves `bytes` when they fit in what is left; false (and nothing reserved) when they do not. */
  take(bytes: number): boolean {
    if (bytes > this.#remaining) return false;
    this.#remaining -= bytes;
    return true;
  }

  get usedBytes(): number {
    return this.limitBytes - this.#remaining;
  }
}
