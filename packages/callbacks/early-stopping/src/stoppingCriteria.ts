import { isBetter, worstScore, type MonitorMode } from '@nextplay/cls-core';
import type { ResolvedEarlyStoppingOptions } from './earlyStoppingOptions.js';

export interface StoppingState {
  /** Best monitored value so far; starts at the worst possible value (-Infinity for max, Infinity for min). */
  readonly bestScore: number;
  /** Checks since the last improvement. */
  readonly wait: number;
}

export interface StoppingDecision extends StoppingState {
  readonly improved: boolean;
  /** Why training should stop, or undefined to go on. */
  readonly stopReason: string | undefined;
}

export function initialStoppingState(mode: MonitorMode): StoppingState {
  return { bestScore: worstScore(mode), wait: 0 };
}

/**
 * Lightning's `EarlyStopping._evaluate_stopping_criteria`, in its order: non-finite value, stopping threshold,
 * divergence threshold, improvement by more than `min_delta`, patience.
 */
export function evaluateStopping(
  state: StoppingState,
  current: number,
  options: ResolvedEarlyStoppingOptions,
): StoppingDecision {
  const { monitor, mode } = options;
  const stop = (reason: string): StoppingDecision => ({ ...state, improved: false, stopReason: reason });

  if (options.check_finite && !Number.isFinite(current)) {
    return stop(`${monitor} = ${current} is not finite; best ${formatScore(state.bestScore)}`);
  }
  if (options.stopping_threshold !== null && isBetter(current, options.stopping_threshold, mode)) {
    return stop(
      `${monitor} = ${formatScore(current)} reached stopping_threshold ${options.stopping_threshold}`,
    );
  }
  if (options.divergence_threshold !== null && isBetter(options.divergence_threshold, current, mode)) {
    return stop(
      `${monitor} = ${formatScore(current)} passed divergence_threshold ${options.divergence_threshold}`,
    );
  }
  if (isBetter(current, state.bestScore, mode, options.min_delta)) {
    return { bestScore: current, wait: 0, improved: true, stopReason: undefined };
  }
  const wait = state.wait + 1;
  const stopReason =
    wait >= options.patience
      ? `${monitor} did not improve in ${wait} epochs; best ${formatScore(state.bestScore)}`
      : undefined;
  return { bestScore: state.bestScore, wait, improved: false, stopReason };
}

/** Four decimals, as in `best 0.9812`; the initial infinite best reads `none`. */
export function formatScore(score: number): string {
  if (Number.isNaN(score)) return 'NaN';
  return Number.isFinite(score) ? score.toFixed(4) : 'none';
}
