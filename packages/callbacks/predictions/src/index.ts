import { predictionsPlugin } from './predictionsPlugin.js';

export { predictionsPlugin, predictionsPlugins } from './predictionsPlugin.js';
export { PREDICTIONS_FILES, PredictionsCallback } from './predictionsCallback.js';
export { className, predictionsDocument } from './predictionsDocument.js';
export type { PredictionsDocument, PredictionsSampleEntry } from './predictionsDocument.js';
export {
  cellOrigin,
  frameOffset,
  predictionGridLayout,
  TEXT_LINES,
  tileOrigin,
} from './predictionGridLayout.js';
export type { PredictionGridLayout } from './predictionGridLayout.js';
export { CORRECT_COLOUR, LETTERBOX_COLOUR, predictionGridSvg, WRONG_COLOUR } from './predictionGridSvg.js';
export type { GridTile } from './predictionGridSvg.js';
export { renderPredictionGrid } from './renderPredictionGrid.js';
export type { PredictionGrid, PredictionGridOptions, PredictionTile } from './renderPredictionGrid.js';
export { selectSamples } from './selectSamples.js';
export type { SampleReason, SampleSelection, SelectedSample } from './selectSamples.js';
export { ellipsize, escapeXml } from './svgText.js';
export { PREDICTIONS_DEFAULTS, PREDICTIONS_LIMITS, predictionsOptionsSchema } from './predictionsOptions.js';
export type { PredictionsOptions, ResolvedPredictionsOptions } from './predictionsOptions.js';

export default predictionsPlugin;
