import { describe, expect, it } from 'vitest';
import { isBetter, isMonitorMode, MONITOR_MODES, worstScore } from '@nextplay/cls-core';

describe('isBetter', () => {
  it('compares strictly: larger wins for max, smaller for min, a tie never', () => {
    expect(isBetter(0.9, 0.8, 'max')).toBe(true);
    expect(isBetter(0.8, 0.9, 'max')).toBe(false);
    expect(isBetter(0.8, 0.9, 'min')).toBe(true);
    expect(isBetter(0.9, 0.8, 'min')).toBe(false);
    expect(isBetter(0.5, 0.5, 'max')).toBe(false);
    expect(isBetter(0.5, 0.5, 'min')).toBe(false);
  });

  it('needs more than minDelta of improvement', () => {
    expect(isBetter(0.505, 0.5, 'max', 0.01)).toBe(false);
    expect(isBetter(0.52, 0.5, 'max', 0.01)).toBe(true);
    expect(isBetter(0.95, 1, 'min', 0.1)).toBe(false);
    expect(isBetter(0.85, 1, 'min', 0.1)).toBe(true);
    expect(isBetter(1.5, 1, 'max', 0.5)).toBe(false);
  });

  it('never ranks NaN, and every finite score beats the worst score', () => {
    for (const mode of MONITOR_MODES) {
      expect(isBetter(Number.NaN, worstScore(mode), mode)).toBe(false);
      expect(isBetter(0, Number.NaN, mode)).toBe(false);
      expect(isBetter(-1e300, worstScore(mode), mode)).toBe(true);
      expect(isBetter(1e300, worstScore(mode), mode)).toBe(true);
    }
  });
});

describe('isMonitorMode', () => {
  it('accepts exactly max and min', () => {
    expect(MONITOR_MODES.filter(isMonitorMode)).toEqual(['max', 'min']);
    expect(['up', 'MAX', '', null, 1].some(isMonitorMode)).toBe(false);
  });
});
