import type { DataSplitInfo } from '@nextplay/cls-core';
import { renderChartSvg, svgToPng } from '@nextplay/cls-charts';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { datasetStatsChart, splitStats, type DatasetStats } from '../src/index.js';

interface AxisLabel {
  readonly text: string;
  readonly x: number;
  readonly rotated: boolean;
  readonly fontSize: number;
  readonly fontFamily: string;
}

function statsOf(classes: readonly string[]): DatasetStats {
  const split: DataSplitInfo = { name: 'train', size: classes.length * 3, classCounts: classes.map(() => 3) };
  return { classes, imageSize: [16, 16], channels: 3, splits: [splitStats(split, classes, undefined)] };
}

/** The first axis's labels that are the class names, as vega laid them out in the SVG. */
function classLabels(svg: string, classes: readonly string[]): AxisLabel[] {
  const groups = svg.match(/<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/g) ?? [];
  for (const group of groups) {
    const labels = [...group.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map(
      ([, attributes = '', text = '']) => ({
        text,
        x: Number(/translate\(([-\d.]+),/.exec(attributes)?.[1]),
        rotated: attributes.includes('rotate('),
        fontSize: Number(/font-size="([\d.]+)px"/.exec(attributes)?.[1]),
        fontFamily: /font-family="([^"]*)"/.exec(attributes)?.[1] ?? '',
      }),
    );
    if (labels[0]?.text === classes[0]) return labels;
  }
  throw new Error('no axis with the class labels');
}

/** Width in px of `label` drawn as the chart draws it (the shipped font, through sharp). */
async function drawnWidth(label: AxisLabel): Promise<number> {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><rect width="400" height="40" fill="#fff"/>' +
    `<text x="10" y="28" font-family="${label.fontFamily}" font-size="${label.fontSize}px">${label.text}</text></svg>`;
  const { data, info } = await sharp(await svgToPng(svg, { density: 72 }))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let left = info.width;
  let right = -1;
  for (let i = 0; i < data.length; i++) {
    if ((data[i] ?? 255) >= 160) continue;
    left = Math.min(left, i % info.width);
    right = Math.max(right, i % info.width);
  }
  return right - left + 1;
}

describe('datasetStatsChart', () => {
  it('spaces horizontal class labels so that none runs into the next', async () => {
    const classes = ['Gamma-3', 'alpha', 'beta two'];
    const labels = classLabels(await renderChartSvg(datasetStatsChart(statsOf(classes))), classes);
    expect(labels.map(({ text }) => text)).toEqual(classes);
    const widths = await Promise.all(labels.map(drawnWidth));
    expect(widths[0]).toBeGreaterThan(30); // drawn, in a real font
    for (let i = 1; i < labels.length; i++) {
      const [previous, next] = [labels[i - 1], labels[i]];
      expect(previous?.rotated).toBe(false);
      // Centred labels: the gap between two is the distance of their centres less half of each.
      const gap = (next?.x ?? 0) - (previous?.x ?? 0) - ((widths[i - 1] ?? 0) + (widths[i] ?? 0)) / 2;
      expect(gap, `${previous?.text} | ${next?.text}`).toBeGreaterThanOrEqual(3);
    }
  });

  it('turns labels vertical, one per slot, when many classes leave no room for them side by side', async () => {
    const classes = Array.from({ length: 60 }, (_, i) => `class-${i}`);
    const labels = classLabels(await renderChartSvg(datasetStatsChart(statsOf(classes))), classes);
    expect(labels).toHaveLength(60);
    for (let i = 1; i < labels.length; i++) {
      expect(labels[i]?.rotated).toBe(true);
      expect((labels[i]?.x ?? 0) - (labels[i - 1]?.x ?? 0)).toBeGreaterThanOrEqual(labels[i]?.fontSize ?? 99);
    }
  });
});
