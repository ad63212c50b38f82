/** Precision, recall and F1 of one class, and its number of true samples. */
export interface ClassMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

/**
 * Counts of (true class, predicted class) pairs over a split: `count(t, p)`. Ratios with a zero denominator
 * are 0, as in scikit-learn (`zero_division=0`) and torchmetrics.
 */
export class ConfusionMatrix {
  readonly numClasses: number;
  /** Row-major: `counts[t * numClasses + p]`. */
  readonly counts: Float64Array;
  #total = 0;

  constructor(numClasses: number) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new RangeError(`a confusion matrix needs a positive number of classes, got ${numClasses}`);
    }
    this.numClasses = numClasses;
    this.counts = new Float64Array(numClasses * numClasses);
  }

  /** Adds one batch: `labels[i]` is the true class of sample i, `predictions[i]` its predicted class. */
  add(labels: ArrayLike<number>, predictions: ArrayLike<number>): void {
    if (labels.length !== predictions.length) {
      throw new RangeError(`${labels.length} labels but ${predictions.length} predictions`);
    }
    const n = this.numClasses;
    for (let i = 0; i < labels.length; i++) {
      const t = labels[i] ?? -1;
      const p = predictions[i] ?? -1;
      if (!(t >= 0 && t < n && p >= 0 && p < n)) {
        throw new RangeError(`class index out of range [0, ${n}): label ${t}, prediction ${p}`);
      }
      this.counts[t * n + p] = (this.counts[t * n + p] ?? 0) + 1;
    }
    this.#total += labels.length;
  }

  count(trueClass: number, predictedClass: number): number {
    return this.counts[trueClass * this.numClasses + predictedClass] ?? 0;
  }

  get total(): number {
    return this.#total;
  }

  /** Top-1 accuracy: the diagonal over all samples. */
  get accuracy(): number {
    let correct = 0;
    for (let c = 0; c < this.numClasses; c++) correct += this.count(c, c);
    return ratio(correct, this.#total);
  }

  /** Samples whose true class is `c` (the row sum). */
  support(c: number): number {
    let sum = 0;
    for (let p = 0; p < this.numClasses; p++) sum += this.count(c, p);
    return sum;
  }

  /** Samples predicted as `c` (the column sum). */
  predicted(c: number): number {
    let sum = 0;
    for (let t = 0; t < this.numClasses; t++) sum += this.count(t, c);
    return sum;
  }

  classMetrics(c: number): ClassMetrics {
    const truePositives = this.count(c, c);
    const support = this.support(c);
    const precision = ratio(truePositives, this.predicted(c));
    const recall = ratio(truePositives, support);
    return { precision, recall, f1: ratio(2 * truePositives, support + this.predicted(c)), support };
  }

  /**
   * The unweighted mean F1 over the classes that occur in the labels or the predictions (scikit-learn's
   * `average='macro'` without `labels`; torchmetrics likewise skips classes with no samples and no predictions).
   */
  get f1Macro(): number {
    let sum = 0;
    let classes = 0;
    for (let c = 0; c < this.numClasses; c++) {
      if (this.support(c) === 0 && this.predicted(c) === 0) continue;
      sum += this.classMetrics(c).f1;
      classes += 1;
    }
    return ratio(sum, classes);
  }

  /**
   * Per-class metrics keyed by class name: every named class, plus any unnamed class index (a model with more
   * outputs than the dataset has classes) that was predicted, keyed by its index.
   */
  perClass(classNames: readonly string[]): Record<string, ClassMetrics> {
    const result: Record<string, ClassMetrics> = {};
    for (let c = 0; c < this.numClasses; c++) {
      const name = classNames[c];
      if (name === undefined && this.support(c) === 0 && this.predicted(c) === 0) continue;
      result[name ?? String(c)] = this.classMetrics(c);
    }
    return result;
  }
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
