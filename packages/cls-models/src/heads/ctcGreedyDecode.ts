/** One column sequence read by greedy CTC decoding. */
export interface CtcReading {
  /** The emitted symbols (blanks removed, repeats collapsed). */
  readonly symbols: number[];
  /** The product of each column's highest probability along the greedy path. */
  readonly confidence: number;
}

function softmax(logits: ArrayLike<number>): number[] {
  const values = Array.from(logits);
  const top = Math.max(...values);
  const exps = values.map((value) => Math.exp(value - top));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

/**
 * Greedy (best path) CTC decoding of one sample's per-column logits, given as `columns` rows of `classes` values:
 * the argmax of every column, repeats collapsed, blanks removed.
 */
export function ctcGreedyDecode(columnLogits: readonly ArrayLike<number>[], blank = 0): CtcReading {
  const symbols: number[] = [];
  let confidence = 1;
  let previous = blank;
  for (const logits of columnLogits) {
    const probabilities = softmax(logits);
    let best = 0;
    let bestProbability = -1;
    probabilities.forEach((probability, c) => {
      if (probability > bestProbability) {
        best = c;
        bestProbability = probability;
      }
    });
    confidence *= bestProbability;
    if (best !== blank && best !== previous) symbols.push(best);
    previous = best;
  }
  return { symbols, confidence };
}

/** The number a sequence head reads from one sample's columns (blank 0, digit d as d + 1): e.g. "07", or "" if none. */
export function readColumns(columnLogits: readonly ArrayLike<number>[]): {
  label: string;
  confidence: number;
} {
  const reading = ctcGreedyDecode(columnLogits);
  return {
    label: reading.symbols.map((symbol) => String(symbol - 1)).join(''),
    confidence: reading.confidence,
  };
}
