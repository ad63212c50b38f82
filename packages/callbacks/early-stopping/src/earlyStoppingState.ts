import {
  ClsError,
  numberFromJson,
  numberToJson,
  worstScore,
  type JsonValue,
  type MonitorMode,
} from '@nextplay/cls-core';
import type { StoppingState } from './stoppingCriteria.js';

/** What EarlyStopping keeps across a resume (Lightning's EarlyStopping.state_dict). */
export interface EarlyStoppingState extends StoppingState {
  /** 0-based epoch in which it stopped training, if it did. */
  readonly stoppedEpoch: number | undefined;
}

const KEYS = ['best_score', 'wait', 'stopped_epoch'];

/**
 * As JSON, which has no Infinity: `best_score` is null before the first improvement (the mode's worst score),
 * a number, or "Infinity" / "-Infinity" for an infinite best (only reachable with check_finite false).
 */
export function earlyStoppingStateToJson(state: EarlyStoppingState, mode: MonitorMode): JsonValue {
  const { bestScore } = state;
  return {
    best_score: bestScore === worstScore(mode) ? null : numberToJson(bestScore),
    wait: state.wait,
    stopped_epoch: state.stoppedEpoch ?? null,
  };
}

/** Reads `earlyStoppingStateToJson`'s output back; throws CHECKPOINT_INVALID naming what does not fit. */
export function earlyStoppingStateFromJson(
  json: JsonValue | undefined,
  mode: MonitorMode,
): EarlyStoppingState {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid(`must be an object with ${KEYS.join(', ')}, got ${describe(json)}`);
  }
  const record = json as Readonly<Record<string, JsonValue>>;
  const missing = KEYS.filter((key) => record[key] === undefined);
  const unknown = Object.keys(record).filter((key) => !KEYS.includes(key));
  if (missing.length > 0) throw invalid(`lacks ${missing.join(', ')}`);
  if (unknown.length > 0) throw invalid(`has unknown ${unknown.join(', ')}`);
  const { stopped_epoch: stoppedEpoch } = record;
  return {
    bestScore: readScore(record.best_score, mode),
    wait: readCount(record.wait, 'wait'),
    stoppedEpoch: stoppedEpoch === null ? undefined : readCount(stoppedEpoch, 'stopped_epoch'),
  };
}

function readScore(value: JsonValue | undefined, mode: MonitorMode): number {
  if (value === null) return worstScore(mode);
  const score = numberFromJson(value);
  if (score !== undefined && !Number.isNaN(score)) return score;
  throw invalid(`best_score must be null, a number, "Infinity" or "-Infinity", got ${describe(value)}`);
}

function readCount(value: JsonValue | undefined, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalid(`${key} must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

function describe(value: JsonValue | undefined): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function invalid(problem: string): ClsError {
  return new ClsError('CHECKPOINT_INVALID', `early_stopping state ${problem}`);
}
