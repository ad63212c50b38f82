import { describe, expect, it } from 'vitest';
import { decodeDigits, jerseyMetrics } from '../src/index.js';

function logitsFor(index: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => (c === index ? 4 : 0));
}

describe('decodeDigits', () => {
  it('reads tens class 0 as no tens digit and multiplies the two probabilities', () => {
    const top = (classes: number): number => Math.exp(4) / (Math.exp(4) + classes - 1);
    const seven = decodeDigits(logitsFor(0, 11), logitsFor(7, 10));
    expect(seven.label).toBe('7');
    expect(seven.confidence).toBeCloseTo(top(11) * top(10), 12);
    expect(decodeDigits(logitsFor(1, 11), logitsFor(7, 10)).label).toBe('07');
    expect(decodeDigits(logitsFor(3, 11), logitsFor(3, 10)).label).toBe('23');
  });
});

describe('jerseyMetrics', () => {
  it('scores whole numbers, each digit and the numbers absent from train', () => {
    const metrics = jerseyMetrics(
      ['23', '7', '47', '', '07'],
      ['23', '17', '41', '47', '7'],
      new Set(['23', '17', '7']),
    );
    expect(metrics.acc).toBeCloseTo(1 / 5);
    // tens: 23 right, 7 vs 17 wrong, 47 vs 41 right, '' wrong, 07 vs 7 wrong
    expect(metrics.acc_tens).toBeCloseTo(2 / 5);
    expect(metrics.acc_units).toBeCloseTo(3 / 5);
    // unseen: 41 (read 47) and 47 (read nothing)
    expect(metrics.acc_unseen).toBe(0);
  });

  it('gives null unseen accuracy when every test number was trained on', () => {
    expect(jerseyMetrics(['5'], ['5'], new Set(['5'])).acc_unseen).toBeNull();
  });
});
