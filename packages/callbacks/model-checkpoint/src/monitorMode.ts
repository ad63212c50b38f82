/** Whether a larger (`max`) or a smaller (`min`) monitored value is better. */
export type MonitorMode = 'max' | 'min';

/** Strictly better: a tie is not an improvement, so the earlier checkpoint is kept. */
export function isBetter(candidate: number, reference: number, mode: MonitorMode): boolean {
  return mode === 'max' ? candidate > reference : candidate < reference;
}
