import { definePlugin, type LauncherContext } from '@nextplay/cls-core';
import { fetchHttp } from './httpClient.js';
import { spawnProcess } from './processExecutor.js';
import { VertexLauncher, type VertexLauncherDeps } from './vertexLauncher.js';
import {
  resolveVertexSettings,
  vertexLauncherOptionsSchema,
  type VertexLauncherOptions,
} from './vertexLauncherOptions.js';

/** The `vertex` launcher reaching Google Cloud through `deps` (tests record what would be sent). */
export function createVertexLauncherPlugin(deps: Partial<VertexLauncherDeps> = {}) {
  return definePlugin({
    kind: 'launcher',
    name: 'vertex',
    package: '@nextplay/cls-launcher-vertex',
    description:
      'Submits each job of a multirun as a Vertex AI custom job (gcloud or REST), data and outputs on GCS.',
    optionsSchema: vertexLauncherOptionsSchema,
    create: (options: Readonly<VertexLauncherOptions>, context: LauncherContext) =>
      new VertexLauncher(resolveVertexSettings(options), context, {
        runProcess: deps.runProcess ?? spawnProcess,
        http: deps.http ?? fetchHttp,
        cwd: deps.cwd ?? process.cwd(),
      }),
  });
}

/** `hydra.launcher.name=vertex`, with the real gcloud and HTTPS. */
export const vertexLauncherPlugin = createVertexLauncherPlugin();

export const launcherPlugins = [vertexLauncherPlugin];
