/**
 * Per-sample outcomes of an evaluation pass, appended batch by batch: predicted class, true class and the
 * probability of the predicted class. Storage grows when a split yields more samples than announced.
 */
export class SampleOutcomes {
  #predicted: Int32Array;
  #targets: Int32Array;
  #confidence: Float32Array;
  #length = 0;

  constructor(expected: number) {
    const capacity = Math.max(1, expected);
    this.#predicted = new Int32Array(capacity);
    this.#targets = new Int32Array(capacity);
    this.#confidence = new Float32Array(capacity);
  }

  get length(): number {
    return this.#length;
  }

  add(targets: ArrayLike<number>, predicted: ArrayLike<number>, confidence: ArrayLike<number>): void {
    if (targets.length !== predicted.length || targets.length !== confidence.length) {
      throw new RangeError(
        `${targets.length} targets, ${predicted.length} predictions and ${confidence.length} confidences`,
      );
    }
    this.#reserve(this.#length + targets.length);
    this.#targets.set(targets, this.#length);
    this.#predicted.set(predicted, this.#length);
    this.#confidence.set(confidence, this.#length);
    this.#length += targets.length;
  }

  /** Copies of the outcomes so far, trimmed to the samples seen. */
  toArrays(): { predicted: Int32Array; targets: Int32Array; confidence: Float32Array } {
    return {
      predicted: this.#predicted.slice(0, this.#length),
      targets: this.#targets.slice(0, this.#length),
      confidence: this.#confidence.slice(0, this.#length),
    };
  }

  #reserve(needed: number): void {
    if (needed <= this.#predicted.length) return;
    const capacity = Math.max(needed, this.#predicted.length * 2);
    const grow = <T extends Int32Array | Float32Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.#predicted = grow(this.#predicted, (n) => new Int32Array(n));
    this.#targets = grow(this.#targets, (n) => new Int32Array(n));
    this.#confidence = grow(this.#confidence, (n) => new Float32Array(n));
  }
}
