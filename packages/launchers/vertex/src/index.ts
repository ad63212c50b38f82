export { createVertexLauncherPlugin, launcherPlugins, vertexLauncherPlugin } from './vertexLauncherPlugin.js';
// What `plugins: [@nextplay/cls-launcher-vertex]` registers.
export { vertexLauncherPlugin as default } from './vertexLauncherPlugin.js';
export { VERTEX_JOB_KEY, VERTEX_OUTPUT_KEY, VERTEX_STATE_KEY, VertexLauncher } from './vertexLauncher.js';
export type { VertexLauncherDeps } from './vertexLauncher.js';
export {
  VERTEX_DEFAULTS,
  resolveVertexSettings,
  vertexLauncherOptionsSchema,
} from './vertexLauncherOptions.js';
export type { VertexLauncherOptions, VertexSettings, VertexSubmitMode } from './vertexLauncherOptions.js';
export { vertexJobSpec } from './vertexJobSpec.js';
export type { VertexJobSpec } from './vertexJobSpec.js';
export { customJobName, gcloudCreateArgs, gcloudList } from './gcloudCommand.js';
export { customJobRequest } from './customJobRequest.js';
export { gcsChild, gcsFusePath, gcsUri, parseGcsUri } from './gcsPath.js';
export type { GcsLocation } from './gcsPath.js';
export { spawnProcess } from './processExecutor.js';
export type { ProcessExecutor, ProcessOutput } from './processExecutor.js';
export { fetchHttp } from './httpClient.js';
export type { HttpClient, HttpRequest, HttpResponse } from './httpClient.js';
