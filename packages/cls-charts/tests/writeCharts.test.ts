import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createLogger } from '@nextplay/cls-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ChartWriter,
  renderChartSvg,
  renderChartSvgOffThread,
  writeChartFiles,
  type ChartSpec,
} from '../src/index.js';

const lossChart: ChartSpec = {
  title: 'Loss by epoch',
  width: 200,
  height: 100,
  data: {
    values: [
      { epoch: 1, loss: 0.9 },
      { epoch: 2, loss: 0.5 },
    ],
  },
  mark: 'line',
  encoding: {
    x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
    y: { field: 'loss', type: 'quantitative', title: 'train loss' },
  },
};

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cls-charts-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('renderChartSvg', () => {
  it('renders a vega-lite spec headless to SVG with its title and axis titles as text', async () => {
    const svg = await renderChartSvg(lossChart);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['Loss by epoch', 'train loss', 'epoch']) expect(svg).toContain(`>${text}</text>`);
  });

  it('fails naming vega-lite on a spec that cannot compile', async () => {
    await expect(renderChartSvg({ mark: 'nonsense' } as unknown as ChartSpec)).rejects.toThrow(
      /^vega-lite could not compile the chart: /,
    );
  });
});

/** Message ports holding the process open: the render thread's is one while charts are in flight. */
function ports(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'MessagePort').length;
}

describe('renderChartSvgOffThread', () => {
  it('renders on a worker thread what renderChartSvg renders here, charts in flight at once', async () => {
    const specs = [lossChart, { ...lossChart, title: 'second' }];
    const idle = ports();
    const rendering = Promise.all(specs.map((spec) => renderChartSvgOffThread(spec)));
    expect(ports()).toBe(idle + 1); // the render thread's port, held only while charts are in flight
    const offThread = await rendering;
    expect(ports()).toBe(idle);
    expect(offThread).toEqual(await Promise.all(specs.map((spec) => renderChartSvg(spec))));
    expect(offThread[1]).toContain('>second</text>');
  });

  it('fails with the render thread’s reason or a spec it cannot be sent, and renders the next chart', async () => {
    await expect(renderChartSvgOffThread({ mark: 'nonsense' } as unknown as ChartSpec)).rejects.toThrow(
      /^vega-lite could not compile the chart: /,
    );
    const idle = ports();
    const uncloneable = { ...lossChart, usermeta: { format: () => 'x' } } as unknown as ChartSpec;
    await expect(renderChartSvgOffThread(uncloneable)).rejects.toThrow(/could not be cloned/);
    expect(await renderChartSvgOffThread(lossChart)).toContain('>Loss by epoch</text>');
    expect(ports()).toBe(idle); // nothing left holding the process
  });
});

describe('writeChartFiles', () => {
  it('writes the SVG and a PNG rasterized at twice its size', async () => {
    const files = await writeChartFiles(lossChart, join(dir, 'plots', 'loss'));
    expect(files).toEqual({ svg: join(dir, 'plots', 'loss.svg'), png: join(dir, 'plots', 'loss.png') });
    const svg = await readFile(files.svg, 'utf8');
    const width = Number(/<svg[^>]* width="(\d+)"/.exec(svg)?.[1]);
    const png = await sharp(files.png).metadata();
    expect(png.format).toBe('png');
    expect(png.width).toBe(width * 2);
  });
});

describe('ChartWriter', () => {
  it('writes queued charts in the background, in order, and copies one once it is written', async () => {
    const writer = new ChartWriter({ logger: createLogger({ console: false }), density: 72 });
    writer.write(lossChart, join(dir, 'a'));
    writer.copy(join(dir, 'a'), join(dir, 'best'));
    expect(writer.pending).toBe(2);
    await writer.flush();
    expect(writer.pending).toBe(0);
    expect(await readFile(join(dir, 'best.svg'), 'utf8')).toBe(await readFile(join(dir, 'a.svg'), 'utf8'));
    expect((await stat(join(dir, 'best.png'))).size).toBe((await stat(join(dir, 'a.png'))).size);
  });

  it('skips a queued write that a newer one to the same file replaces', async () => {
    const writer = new ChartWriter({ logger: createLogger({ console: false }), density: 72 });
    writer.write({ ...lossChart, title: 'first' }, join(dir, 'blocker'));
    writer.write({ ...lossChart, title: 'stale' }, join(dir, 'history'));
    writer.write({ ...lossChart, title: 'fresh' }, join(dir, 'history'));
    await writer.flush();
    const svg = await readFile(join(dir, 'history.svg'), 'utf8');
    expect(svg).toContain('>fresh</text>');
    expect(svg).not.toContain('stale');
    expect(writer.rendered).toBe(2);
  });

  it('holds a failure until asked, reports each reason once, and goes on writing', async () => {
    const writer = new ChartWriter({ logger: createLogger({ console: false }) });
    await writeFile(join(dir, 'file'), 'not a folder');
    writer.write(lossChart, join(dir, 'file', 'first'));
    writer.write(lossChart, join(dir, 'file', 'second'));
    writer.write(lossChart, join(dir, 'ok'));
    expect(() => {
      writer.throwIfFailed();
    }).not.toThrow(); // nothing has failed yet: it is all still queued
    await expect(writer.flush()).rejects.toThrow(
      new RegExp(
        `^chart ${join(dir, 'file', 'first')} could not be written \\(and 1 more charts\\): .*E(NOTDIR|EXIST)`,
      ),
    );
    expect((await stat(join(dir, 'ok.png'))).isFile()).toBe(true);
    writer.write(lossChart, join(dir, 'file', 'third'));
    await expect(writer.flush()).resolves.toBeUndefined(); // the same reason again is not repeated
  });
});
