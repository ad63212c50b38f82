import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_FONT_FAMILY } from './shippedChartFont.js';

/** A vega-lite chart: a top-level spec with its data inline (`data.values`). */
export type ChartSpec = TopLevelSpec;

type ChartLibraries = [typeof Vega, typeof VegaLite];

/** vega and vega-lite take ~0.7 s to import: loaded with the first chart, not with every command that links us. */
let libraries: Promise<ChartLibraries> | undefined;

/**
 * Compiles a vega-lite spec and renders it headless to an SVG document with vega's `View#toSVG` (no canvas: text
 * widths are estimated, which is all axis layout needs). Text asks for the shipped font first (`svgToPng` draws
 * it), unless the spec's `config.font` names another.
 */
export async function renderChartSvg(spec: ChartSpec): Promise<string> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]);
  const [vega, vegaLite] = await libraries;
  let compiled;
  try {
    compiled = vegaLite.compile(spec, { config: { font: CHART_FONT_FAMILY } }).spec;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`vega-lite could not compile the chart: ${reason}`, { cause: error });
  }
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
