import { performance } from 'node:perf_hooks';

/**
 * Runs `run` once to warm up (kernel set-up, allocations), then times further runs until `deadline` (a
 * `performance.now()` time) has passed: at least one timed run, at most `maxRuns`. Resolves with their durations in ms.
 */
export async function timedRuns(
  run: () => Promise<void>,
  deadline: number,
  maxRuns = 200,
): Promise<number[]> {
  await run();
  const durations: number[] = [];
  do {
    const runStart = performance.now();
    await run();
    durations.push(performance.now() - runStart);
  } while (durations.length < maxRuns && performance.now() < deadline);
  return durations;
}

/** The median of a list; NaN for an empty one. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? NaN) + upper) / 2;
}
