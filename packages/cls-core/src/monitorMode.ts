/** Whether a larger (`max`) or a smaller (`min`) monitored value is better, as in Lightning's `mode`. */
export type MonitorMode = 'max' | 'min';

export const MONITOR_MODES = ['max', 'min'] as const satisfies readonly MonitorMode[];

export function isMonitorMode(value: unknown): value is MonitorMode {
  return value === 'max' || value === 'min';
}

/**
 * Whether `candidate` improves on `reference` by more than `minDelta`. Strictly: a tie (or a change of exactly
 * `minDelta`) is not an improvement, so whatever was kept first stays. NaN is never better nor beaten.
 */
export function isBetter(candidate: number, reference: number, mode: MonitorMode, minDelta = 0): boolean {
  return mode === 'max' ? candidate - minDelta > reference : candidate + minDelta < reference;
}

/** The value every finite score improves on: -Infinity for `max`, Infinity for `min`. */
export function worstScore(mode: MonitorMode): number {
  return mode === 'max' ? -Infinity : Infinity;
}
