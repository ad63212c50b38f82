import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A vega-lite chart: a top-level spec with its data inline (`data.values`). */
export type ChartSpec = TopLevelSpec;

/**
 * Compiles a vega-lite spec and renders it headless to an SVG document with vega's `View#toSVG` (no canvas: text
 * widths are estimated, which is all axis layout needs).
 */
export async function renderChartSvg(spec: ChartSpec): Promise<string> {
  let compiled;
  try {
    compiled = compile(spec).spec;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`vega-lite could not compile the chart: ${reason}`, { cause: error });
  }
  const view = new View(parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
