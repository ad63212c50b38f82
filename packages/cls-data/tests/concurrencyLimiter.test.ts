import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '@nextplay/cls-data';

/** A task that runs until `finish` is called, recording when it started. */
function controlled(log: string[], name: string) {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    task: async () => {
      log.push(name);
      await done;
      return name;
    },
    finish: () => {
      finish();
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimiter', () => {
  it('keeps at most `limit` tasks running and starts queued ones in order', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const log: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((name) => controlled(log, name));
    const results = tasks.map((t) => limiter.run(t.task));
    await tick();
    expect(log).toEqual(['a', 'b']);
    expect([limiter.active, limiter.queued]).toEqual([2, 2]);
    tasks[1]?.finish();
    await tick();
    expect(log).toEqual(['a', 'b', 'c']);
    for (const t of tasks) t.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
  });

  it('starts a whole group past the limit, then holds new work until it drops below', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const log: string[] = [];
    const group = {};
    const first = controlled(log, 'first');
    const grouped = [controlled(log, 'g1'), controlled(log, 'g2')];
    const other = controlled(log, 'other');
    const results = [
      limiter.run(first.task),
      limiter.run(other.task),
      ...grouped.map((t) => limiter.run(t.task, group)),
    ];
    await tick();
    limiter.startGroup(group);
    await tick();
    expect(log).toEqual(['first', 'g1', 'g2']);
    expect(limiter.active).toBe(3);
    first.finish();
    grouped[0]?.finish();
    await tick();
    expect(log).toEqual(['first', 'g1', 'g2']); // still 1 running: at the limit
    grouped[1]?.finish();
    await tick();
    expect(log).toEqual(['first', 'g1', 'g2', 'other']);
    other.finish();
    await Promise.all(results);
    expect(limiter.active).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new ConcurrencyLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(() => Promise.resolve(3))).toBe(3);
  });
});
