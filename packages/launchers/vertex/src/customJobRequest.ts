import type { HttpRequest } from './httpClient.js';
import { gcsUri } from './gcsPath.js';
import type { VertexJobSpec } from './vertexJobSpec.js';
import type { VertexSettings } from './vertexLauncherOptions.js';

/** The Vertex AI v1 `projects.locations.customJobs.create` request for one job. */
export function customJobRequest(
  spec: VertexJobSpec,
  settings: VertexSettings,
  accessToken: string,
): HttpRequest {
  const { project, region } = settings;
  const body = {
    displayName: spec.displayName,
    jobSpec: {
      workerPoolSpecs: [
        {
          machineSpec: {
            machineType: settings.machineType,
            ...(settings.acceleratorType === null
              ? {}
              : { acceleratorType: settings.acceleratorType, acceleratorCount: settings.acceleratorCount }),
          },
          // int64 fields are strings in the API's JSON mapping.
          replicaCount: '1',
          containerSpec: { imageUri: settings.image, args: spec.args },
        },
      ],
      ...(settings.serviceAccount === null ? {} : { serviceAccount: settings.serviceAccount }),
      baseOutputDirectory: { outputUriPrefix: gcsUri(spec.output) },
    },
  };
  return {
    method: 'POST',
    url: `https://${region}-aiplatform.googleapis.com/v1/projects/${encodeURIComponent(project)}/locations/${region}/customJobs`,
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json; charset=utf-8',
    },
    body: JSON.stringify(body),
  };
}
