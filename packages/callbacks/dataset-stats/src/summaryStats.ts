/** Bins of a histogram of integer values, each covering `from..to` (both inclusive). */
export interface HistogramBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/** Summary of a set of integer values (image widths or heights in pixels). */
export interface SummaryStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly median: number;
  /** Equal-width bins from `min` to `max`, one per value when the range is narrow. */
  readonly histogram: readonly HistogramBin[];
}

/** At most this many histogram bins. */
export const MAX_HISTOGRAM_BINS = 20;

/** Min, max, mean, median and histogram of `values`; undefined when there are none. */
export function summaryStats(values: readonly number[]): SummaryStats | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const min = sorted[0] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  const middle = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { min, max, mean: round(mean), median, histogram: histogram(sorted, min, max) };
}

function histogram(values: readonly number[], min: number, max: number): HistogramBin[] {
  const width = Math.max(1, Math.ceil((max - min + 1) / MAX_HISTOGRAM_BINS));
  const bins = Math.floor((max - min) / width) + 1;
  const counts = new Array<number>(bins).fill(0);
  for (const value of values) {
    const bin = Math.floor((value - min) / width);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts.map((count, bin) => ({
    from: min + bin * width,
    to: Math.min(max, min + (bin + 1) * width - 1),
    count,
  }));
}

/** Four decimals: enough for a mean of pixel sizes, and the same text on every platform. */
function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
