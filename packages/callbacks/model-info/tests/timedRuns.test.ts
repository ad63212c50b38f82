import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { median, timedRuns } from '../src/timedRuns.js';

describe('timedRuns', () => {
  it('warms up once, then times runs until the deadline', async () => {
    let calls = 0;
    const durations = await timedRuns(async () => {
      calls++;
      await sleep(20);
    }, performance.now() + 150);
    expect(calls).toBe(durations.length + 1);
    // 150 ms at ~20 ms a run, the warm-up included: 6–7 timed runs (fewer when the timers run late).
    expect(durations.length).toBeGreaterThanOrEqual(2);
    expect(durations.length).toBeLessThanOrEqual(7);
    expect(Math.min(...durations)).toBeGreaterThanOrEqual(15);
  });

  it('makes one timed run even past the deadline, and stops at maxRuns', async () => {
    let calls = 0;
    const run = (): Promise<void> => {
      calls++;
      return Promise.resolve();
    };
    expect(await timedRuns(run, 0)).toHaveLength(1);
    expect(calls).toBe(2);
    expect(await timedRuns(run, performance.now() + 60_000, 5)).toHaveLength(5);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
