import type { VertexJobSpec } from './vertexJobSpec.js';
import type { VertexSettings } from './vertexLauncherOptions.js';

/** `gcloud ai custom-jobs create ...` for one job: the argv after `gcloud`. */
export function gcloudCreateArgs(spec: VertexJobSpec, settings: VertexSettings): string[] {
  const workerPool = [
    `machine-type=${settings.machineType}`,
    ...(settings.acceleratorType === null
      ? []
      : [`accelerator-type=${settings.acceleratorType}`, `accelerator-count=${settings.acceleratorCount}`]),
    'replica-count=1',
    `container-image-uri=${settings.image}`,
  ];
  return [
    'ai',
    'custom-jobs',
    'create',
    `--project=${settings.project}`,
    `--region=${settings.region}`,
    `--display-name=${spec.displayName}`,
    `--worker-pool-spec=${workerPool.join(',')}`,
    ...(settings.serviceAccount === null ? [] : [`--service-account=${settings.serviceAccount}`]),
    `--args=${gcloudList(spec.args)}`,
    '--format=value(name)',
  ];
}

// Delimiters gcloud's `^<delimiter>^` list syntax can use when a value holds a comma (`gcloud topic escaping`).
const ALTERNATE_DELIMITERS = [';', '|', '#', '@', '~', ':'];

/** A gcloud list flag value: comma-separated, or `^;^a;b` when a value itself holds a comma. */
export function gcloudList(values: readonly string[]): string {
  if (!values.some((value) => value.includes(','))) return values.join(',');
  const delimiter = ALTERNATE_DELIMITERS.find((candidate) =>
    values.every((value) => !value.includes(candidate)),
  );
  if (delimiter === undefined) {
    throw new Error(`no gcloud list delimiter fits these arguments: ${values.join(' ')}`);
  }
  return `^${delimiter}^${values.join(delimiter)}`;
}

const CUSTOM_JOB_NAME = /projects\/[^/\s]+\/locations\/[^/\s]+\/customJobs\/[0-9]+/;

/** The `projects/.../customJobs/<id>` resource name in gcloud's output, if it printed one. */
export function customJobName(output: string): string | undefined {
  return CUSTOM_JOB_NAME.exec(output)?.[0];
}
