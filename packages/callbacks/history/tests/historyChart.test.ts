import { renderChartSvg } from '@nextplay/cls-charts';
import { describe, expect, it } from 'vitest';
import { EpochHistory, historyChart } from '../src/index.js';

/** The tick labels of the axis whose labels are in e-notation: the learning-rate axis. */
async function learningRateTicks(learningRates: readonly number[]): Promise<string[]> {
  const history = new EpochHistory();
  learningRates.forEach((lr, epoch) => {
    history.record(epoch, { 'train/loss': 1 / (epoch + 1), lr });
  });
  const svg = await renderChartSvg(historyChart(history, { lossScale: 'linear' }));
  const groups = svg.match(/<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/g) ?? [];
  const ticks = groups
    .map((group) => [...group.matchAll(/>([^<>]+)<\/text>/g)].map(([, text = '']) => text))
    .find((labels) => labels.some((label) => /e[-+]\d/.test(label)));
  if (ticks === undefined) throw new Error('no learning-rate axis');
  return ticks;
}

describe('historyChart', () => {
  const cases: [string, number[]][] = [
    ['a cosine schedule’s last epochs, all near 5e-4', [5.12e-4, 5.08e-4, 5.03e-4, 5.0e-4]],
    ['a step from 1e-3 down to 1e-4', [1e-3, 1e-3, 1e-4, 1e-4]],
    ['a narrow range across a power of ten', [9.97e-4, 9.99e-4, 1.001e-3, 1.003e-3]],
    ['a warm-up from 0', [0, 2.5e-4, 5e-4, 7.5e-4, 1e-3]],
  ];
  it.each(cases)('gives every learning-rate tick its own label: %s', async (_, learningRates) => {
    const ticks = await learningRateTicks(learningRates);
    expect(ticks.length).toBeGreaterThan(1);
    expect(new Set(ticks).size, ticks.join(' ')).toBe(ticks.length);
    // What each label reads is its tick's value: evenly spaced.
    const values = ticks.map(Number);
    const step = (values[1] ?? 0) - (values[0] ?? 0);
    values.forEach((value, i) => {
      expect(value - (values[0] ?? 0)).toBeCloseTo(i * step, 12);
    });
  });

  it('shows one learning rate to three significant digits', async () => {
    expect(await learningRateTicks([3.14e-4, 3.14e-4])).toContain('3.14e-4');
  });
});
