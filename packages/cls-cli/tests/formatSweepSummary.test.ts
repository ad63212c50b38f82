import type { JobResult } from '@nextplay/cls-core';
import { describe, expect, it } from 'vitest';
import { formatSweepSummary } from '../src/formatSweepSummary.js';

const job = (num: number, overrides: string[], acc: number): JobResult => ({
  job: { num, overrides, runDir: `/sweep/${num}` },
  status: 'completed',
  results: { 'test/acc': acc },
});

describe('formatSweepSummary', () => {
  const results = [
    job(0, ['experiment=mnist', 'seed=1', 'hydra.sweep.dir=/sweep'], 0.9),
    job(1, ['experiment=mnist', 'seed=2', 'hydra.sweep.dir=/sweep'], 0.8),
  ];

  it('keeps a swept key whose glob matched one option', () => {
    const summary = formatSweepSummary(results, '/sweep', ['experiment', 'seed']);
    expect(summary).toContain('  0    experiment=mnist seed=1  completed  0.9000');
    expect(summary).toContain('  1    experiment=mnist seed=2  completed  0.8000');
    expect(summary).not.toContain('hydra.sweep.dir');
  });

  it('shows only what varies when nothing else was swept', () => {
    const summary = formatSweepSummary(results, '/sweep', ['seed']);
    expect(summary).toContain('  0    seed=1     completed  0.9000');
  });
});
