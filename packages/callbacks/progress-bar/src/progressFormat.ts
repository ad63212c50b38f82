/** Compact numbers for progress lines: `loss=0.312`, `lr=1.0e-3`, `val/acc=0.9812`. */
export function formatSignificant(value: number, digits: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(digits))) : String(value);
}

export function formatLearningRate(lr: number): string {
  return Number.isFinite(lr) ? lr.toExponential(1) : String(lr);
}

/** `val/acc=0.9812 val/loss=0.0543`: the metrics under a prefix, sorted by name. */
export function formatMetrics(metrics: Readonly<Record<string, number>>, prefix: string): string {
  return Object.keys(metrics)
    .filter((name) => name.startsWith(prefix))
    .sort()
    .map((name) => `${name}=${formatSignificant(metrics[name] ?? Number.NaN, 4)}`)
    .join(' ');
}
