/**
 * Errors a user can act on. Every failure the user can fix (bad config, missing data, unknown plugin) is a
 * `ClsError` with a stable UPPER_SNAKE code; the CLI prints its message as one line and exits non-zero.
 * Anything else is a bug and is printed with its stack.
 */
export type ClsErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_PARSE'
  | 'CONFIG_MISSING_VALUE'
  | 'OVERRIDE_INVALID'
  | 'UNKNOWN_PLUGIN'
  | 'DUPLICATE_PLUGIN'
  | 'PLUGIN_LOAD_FAILED'
  | 'PLUGIN_INVALID'
  | 'PLUGIN_FAILED'
  | 'DATA_ROOT_MISSING'
  | 'DATA_SPLIT_MISSING'
  | 'DATA_SPLIT_EMPTY'
  | 'DATA_IMAGE_UNREADABLE'
  | 'DATA_TOO_MANY_BAD_IMAGES'
  | 'DATA_LABELS_INVALID'
  | 'BACKEND_UNAVAILABLE'
  | 'CHECKPOINT_NOT_FOUND'
  | 'CHECKPOINT_INVALID'
  | 'TRAINING_DIVERGED'
  | 'OUT_OF_MEMORY'
  | 'DEVICE_LOST'
  | 'USAGE';

export interface ClsErrorOptions {
  /** What the user can do about it; appended to the message. */
  readonly hint?: string;
  readonly cause?: unknown;
}

export class ClsError extends Error {
  override readonly name = 'ClsError';
  readonly code: ClsErrorCode;
  readonly hint: string | undefined;

  constructor(code: ClsErrorCode, message: string, options: ClsErrorOptions = {}) {
    super(options.hint === undefined ? message : `${message} (${options.hint})`, { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

export function isClsError(error: unknown): error is ClsError {
  return (
    error instanceof ClsError || (error instanceof Error && error.name === 'ClsError' && 'code' in error)
  );
}

/** Wraps a failure thrown inside a plugin so the message names the plugin and the hook, as `[plugin] message`. */
export function pluginError(plugin: string, hook: string, cause: unknown): ClsError {
  if (isClsError(cause)) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new ClsError('PLUGIN_FAILED', `[${plugin}] ${hook} failed: ${message}`, { cause });
}

/** Closest candidates by edit distance, for "did you mean" hints. */
export function suggest(input: string, candidates: Iterable<string>, maxDistance = 3): string[] {
  const scored: { name: string; distance: number }[] = [];
  for (const name of candidates) {
    const distance = editDistance(input.toLowerCase(), name.toLowerCase());
    if (distance <= Math.max(maxDistance, Math.floor(input.length / 3))) scored.push({ name, distance });
  }
  return scored.sort((a, b) => a.distance - b.distance).map((s) => s.name);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      const substitution = diagonal + (a[i - 1] === b[j - 1] ? 0 : 1);
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, substitution);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}
