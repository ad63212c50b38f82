import type { AnyPluginDefinition } from '@nextplay/cls-core';
import { PluginRegistry } from '@nextplay/cls-core';
import { dataPlugins } from '@nextplay/cls-data';
import { enginePlugins } from '@nextplay/cls-engine';
import { tfjsBackendPlugins } from '@nextplay/cls-backend-tfjs-node';
import { wasmBackendPlugins } from '@nextplay/cls-backend-wasm';
import { webgpuBackendPlugins } from '@nextplay/cls-backend-webgpu';
import { headPlugins, modelPlugins } from '@nextplay/cls-models';
import { confusionMatrixPlugin } from '@nextplay/cls-callback-confusion-matrix';
import { datasetStatsPlugin } from '@nextplay/cls-callback-dataset-stats';
import { earlyStoppingPlugin } from '@nextplay/cls-callback-early-stopping';
import { emaPlugin } from '@nextplay/cls-callback-ema';
import { historyPlugin } from '@nextplay/cls-callback-history';
import { lrMonitorPlugin } from '@nextplay/cls-callback-lr-monitor';
import { modelCheckpointPlugin } from '@nextplay/cls-callback-model-checkpoint';
import { modelInfoPlugin } from '@nextplay/cls-callback-model-info';
import { onnxExportPlugin } from '@nextplay/cls-callback-onnx-export';
import { predictionsPlugin } from '@nextplay/cls-callback-predictions';
import { progressBarPlugin } from '@nextplay/cls-callback-progress-bar';
import { reportPlugin } from '@nextplay/cls-callback-report';
import { vertexLauncherPlugin } from '@nextplay/cls-launcher-vertex';
import { basicLauncherPlugin } from './launchers/basicLauncher.js';
import { jerseySynthDataset } from './jerseySynthDataset.js';

/** Everything `cls` ships, registered exactly as an outside plugin package would be. */
export const builtinPlugins: readonly AnyPluginDefinition[] = [
  ...modelPlugins,
  ...headPlugins,
  ...dataPlugins,
  jerseySynthDataset,
  ...enginePlugins,
  ...wasmBackendPlugins,
  ...webgpuBackendPlugins,
  ...tfjsBackendPlugins,
  modelCheckpointPlugin,
  earlyStoppingPlugin,
  lrMonitorPlugin,
  progressBarPlugin,
  emaPlugin,
  confusionMatrixPlugin,
  historyPlugin,
  datasetStatsPlugin,
  modelInfoPlugin,
  onnxExportPlugin,
  predictionsPlugin,
  reportPlugin,
  basicLauncherPlugin,
  vertexLauncherPlugin,
];

export function createBuiltinRegistry(): PluginRegistry {
  return new PluginRegistry().register(...builtinPlugins);
}
