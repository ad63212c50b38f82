import { writeFileAtomic } from '@nextplay/cls-core';
import { renderChartSvgOffThread } from './chartRenderThread.js';
import type { ChartSpec } from './renderChartSvg.js';
import { svgToPng } from './svgToPng.js';

/** The files one chart was written to. */
export interface ChartFiles {
  readonly svg: string;
  readonly png: string;
}

/** Renders `spec` (on the chart render thread) and writes `<basePath>.svg` and `<basePath>.png`, each atomically. */
export async function writeChartFiles(
  spec: ChartSpec,
  basePath: string,
  options: { readonly density?: number } = {},
): Promise<ChartFiles> {
  const files = { svg: `${basePath}.svg`, png: `${basePath}.png` };
  const svg = await renderChartSvgOffThread(spec);
  await writeFileAtomic(files.svg, svg);
  const png = await svgToPng(svg, options.density === undefined ? {} : { density: options.density });
  await writeFileAtomic(files.png, png);
  return files;
}
