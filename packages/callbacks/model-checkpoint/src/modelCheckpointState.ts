import { ClsError, type JsonValue } from '@nextplay/cls-core';

/** One of the top-k checkpoints on disk. */
export interface RankedCheckpoint {
  readonly path: string;
  readonly score: number;
  /** 0-based epoch it was saved after. */
  readonly epoch: number;
  readonly step: number;
}

/** What ModelCheckpoint keeps across a resume (Lightning's ModelCheckpoint.state_dict). */
export interface ModelCheckpointState {
  /** The checkpoint directory the paths below are in; undefined before the callback saw a fit. */
  readonly dirpath: string | undefined;
  /** Best first. */
  readonly ranked: readonly RankedCheckpoint[];
  readonly best: RankedCheckpoint | undefined;
  readonly bestPath: string | undefined;
  readonly lastPath: string | undefined;
  readonly lastSavedStep: number | undefined;
}

const KEYS = ['dirpath', 'ranked', 'best', 'best_model_path', 'last_model_path', 'last_saved_step'];
const CHECKPOINT_KEYS = ['path', 'score', 'epoch', 'step'];

/** As JSON: snake_case keys, null for what is not there yet. Ranked scores are always finite. */
export function modelCheckpointStateToJson(state: ModelCheckpointState): JsonValue {
  return {
    dirpath: state.dirpath ?? null,
    ranked: state.ranked.map(checkpointToJson),
    best: state.best === undefined ? null : checkpointToJson(state.best),
    best_model_path: state.bestPath ?? null,
    last_model_path: state.lastPath ?? null,
    last_saved_step: state.lastSavedStep ?? null,
  };
}

/** Reads `modelCheckpointStateToJson`'s output back; throws CHECKPOINT_INVALID naming what does not fit. */
export function modelCheckpointStateFromJson(json: JsonValue | undefined): ModelCheckpointState {
  const record = readObject(json, KEYS, '');
  const ranked = record.ranked;
  if (!Array.isArray(ranked)) throw invalid('ranked', `must be a list, got ${describe(ranked)}`);
  return {
    dirpath: record.dirpath === null ? undefined : readString(record.dirpath, 'dirpath'),
    ranked: (ranked as readonly JsonValue[]).map((entry, i) => checkpointFromJson(entry, `ranked[${i}]`)),
    best: record.best === null ? undefined : checkpointFromJson(record.best, 'best'),
    bestPath:
      record.best_model_path === null ? undefined : readString(record.best_model_path, 'best_model_path'),
    lastPath:
      record.last_model_path === null ? undefined : readString(record.last_model_path, 'last_model_path'),
    lastSavedStep:
      record.last_saved_step === null ? undefined : readCount(record.last_saved_step, 'last_saved_step'),
  };
}

function checkpointToJson(checkpoint: RankedCheckpoint): JsonValue {
  return { path: checkpoint.path, score: checkpoint.score, epoch: checkpoint.epoch, step: checkpoint.step };
}

function checkpointFromJson(json: JsonValue | undefined, where: string): RankedCheckpoint {
  const record = readObject(json, CHECKPOINT_KEYS, where);
  const { score } = record;
  if (typeof score !== 'number' || !Number.isFinite(score)) {
    throw invalid(`${where}.score`, `must be a finite number, got ${describe(score)}`);
  }
  return {
    path: readString(record.path, `${where}.path`),
    score,
    epoch: readCount(record.epoch, `${where}.epoch`),
    step: readCount(record.step, `${where}.step`),
  };
}

/** An object with exactly `keys`. */
function readObject(
  json: JsonValue | undefined,
  keys: readonly string[],
  where: string,
): Readonly<Record<string, JsonValue>> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid(where, `must be an object with ${keys.join(', ')}, got ${describe(json)}`);
  }
  const record = json as Readonly<Record<string, JsonValue>>;
  const missing = keys.filter((key) => record[key] === undefined);
  const unknown = Object.keys(record).filter((key) => !keys.includes(key));
  if (missing.length > 0 || unknown.length > 0) {
    const problems = [
      ...(missing.length > 0 ? [`lacks ${missing.join(', ')}`] : []),
      ...(unknown.length > 0 ? [`has unknown ${unknown.join(', ')}`] : []),
    ];
    throw invalid(where, problems.join(' and '));
  }
  return record;
}

function readString(value: JsonValue | undefined, where: string): string {
  if (typeof value !== 'string' || value === '') {
    throw invalid(where, `must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

function readCount(value: JsonValue | undefined, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalid(where, `must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

function describe(value: JsonValue | undefined): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** `where`: the offending entry, empty for the whole state. */
function invalid(where: string, problem: string): ClsError {
  const subject = where === '' ? 'model_checkpoint state' : `model_checkpoint state ${where}`;
  return new ClsError('CHECKPOINT_INVALID', `${subject} ${problem}`);
}
