import { describe, expect, it } from 'vitest';
import { createLogger } from '@nextplay/cls-core';
import type { SelectedBackend } from '../src/backends/selectBackend.js';
import { applyTrainingPrecision } from '../src/training/trainingPrecision.js';

/** A backend that computes in float16 when asked, recording each request. */
function float16Backend(requests: boolean[]): SelectedBackend {
  return {
    name: 'test',
    reason: 'test',
    threads: undefined,
    memoryLimitBytes: undefined,
    adapter: undefined,
    setMixedPrecision: (enabled) => {
      requests.push(enabled);
      return enabled ? { enabled: true } : { enabled: false, reason: 'float32 asked for' };
    },
    setKernelBenchmark: () => undefined,
  };
}

function apply(given: string | number): { precision: string; requests: boolean[]; warnings: string[] } {
  const requests: boolean[] = [];
  const warnings: string[] = [];
  const logger = createLogger({ console: false });
  logger.addReporter({ log: (entry) => entry.type === 'warn' && warnings.push(entry.args.join(' ')) });
  const precision = applyTrainingPrecision(given, float16Backend(requests), logger);
  return { precision, requests, warnings };
}

describe('applyTrainingPrecision', () => {
  it.each([
    [16, '16-mixed', [true]],
    ['16', '16-mixed', [true]],
    ['16-mixed', '16-mixed', [true]],
    [32, '32-true', [false]],
    ['32', '32-true', [false]],
    ['32-true', '32-true', [false]],
  ])("reads Lightning's %j as %s", (given, precision, requests) => {
    expect(apply(given)).toEqual({ precision, requests, warnings: [] });
  });

  it.each([
    ['bf16', 'bf16-mixed'],
    [64, '64-true'],
    ['16-true', '16-true'],
  ])('falls back to 32-true from %j, naming it as %s', (given, name) => {
    expect(apply(given)).toEqual({
      precision: '32-true',
      requests: [false],
      warnings: [`precision ${name} is not supported by TensorFlow.js; training in 32-true`],
    });
  });
});
