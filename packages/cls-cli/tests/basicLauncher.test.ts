import { createLogger, PluginRegistry, type JobResult, type SweepJob } from '@nextplay/cls-core';
import { describe, expect, it } from 'vitest';
import { basicLauncherPlugin } from '../src/launchers/basicLauncher.js';

const jobs: SweepJob[] = [0, 1, 2].map((num) => ({
  num,
  overrides: [`seed=${num}`],
  runDir: `/tmp/s/${num}`,
}));
const logger = createLogger({ console: false });

async function launcher(signal?: AbortSignal) {
  const registry = new PluginRegistry().register(basicLauncherPlugin);
  return registry.create('launcher', 'basic', { name: 'basic' }, { logger, ...(signal ? { signal } : {}) });
}

describe('basic launcher', () => {
  it('runs the jobs one after another, in order, and goes on after a failure', async () => {
    const order: number[] = [];
    let running = 0;
    const results = await (
      await launcher()
    ).launch(jobs, async (job): Promise<JobResult> => {
      running++;
      expect(running).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(job.num);
      running--;
      if (job.num === 0) throw new Error('boom');
      return { job, status: job.num === 1 ? 'failed' : 'completed', results: { 'test/acc': 0.5 } };
    });
    expect(order).toEqual([0, 1, 2]);
    expect(results.map((result) => [result.job.num, result.status])).toEqual([
      [0, 'failed'],
      [1, 'failed'],
      [2, 'completed'],
    ]);
    expect(results[0]?.error).toBe('boom');
  });

  it('starts no further job once aborted', async () => {
    const controller = new AbortController();
    const results = await (
      await launcher(controller.signal)
    ).launch(jobs, (job) => {
      controller.abort();
      return Promise.resolve({ job, status: 'completed' });
    });
    expect(results.map((result) => result.status)).toEqual(['completed', 'interrupted', 'interrupted']);
  });
});
