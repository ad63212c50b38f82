import { ClsError, type JsonSchema } from '@nextplay/cls-core';
import { parseGcsUri, type GcsLocation } from './gcsPath.js';

/** `hydra.launcher` for `name: vertex`, as the config holds it (snake_case, like every cls config key). */
export interface VertexLauncherOptions {
  readonly project?: string | null;
  readonly region?: string;
  readonly image?: string | null;
  readonly machine_type?: string;
  readonly accelerator_type?: string | null;
  readonly accelerator_count?: number;
  readonly data_uri?: string | null;
  readonly output_uri?: string | null;
  readonly service_account?: string | null;
  readonly display_name_prefix?: string;
  readonly mode?: VertexSubmitMode;
}

/** `gcloud`: `gcloud ai custom-jobs create`; `rest`: POST to the Vertex AI API with a gcloud access token. */
export type VertexSubmitMode = 'gcloud' | 'rest';

/** The options checked and with defaults applied. */
export interface VertexSettings {
  readonly project: string;
  readonly region: string;
  readonly image: string;
  readonly machineType: string;
  /** `null`: a CPU-only machine. */
  readonly acceleratorType: string | null;
  readonly acceleratorCount: number;
  readonly data: GcsLocation | null;
  readonly output: GcsLocation;
  readonly serviceAccount: string | null;
  readonly displayNamePrefix: string;
  readonly mode: VertexSubmitMode;
}

export const VERTEX_DEFAULTS = {
  region: 'us-central1',
  machine_type: 'n1-standard-8',
  accelerator_type: 'NVIDIA_TESLA_T4',
  accelerator_count: 1,
  display_name_prefix: 'cls',
  mode: 'gcloud',
} as const;

const nullableString = (
  description: string,
  extra: { readonly pattern?: string; readonly default?: string } = {},
): Record<string, unknown> => ({
  anyOf: [
    { type: 'string', minLength: 1, ...(extra.pattern === undefined ? {} : { pattern: extra.pattern }) },
    { type: 'null' },
  ],
  default: extra.default ?? null,
  description,
});

export const vertexLauncherOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    project: nullableString('Google Cloud project id the custom jobs run in (required).'),
    region: {
      type: 'string',
      pattern: '^[a-z0-9-]+$',
      default: VERTEX_DEFAULTS.region,
      description: 'Vertex AI region.',
    },
    image: nullableString(
      'Container image with the cls CLI as entrypoint, e.g. us-central1-docker.pkg.dev/<project>/cls/cls-gpu:<tag> (required).',
    ),
    machine_type: {
      type: 'string',
      minLength: 1,
      default: VERTEX_DEFAULTS.machine_type,
      description: 'Compute Engine machine type of the worker.',
    },
    accelerator_type: nullableString('Vertex AI accelerator type; null for a CPU-only worker.', {
      pattern: '^[A-Z0-9_]+$',
      default: VERTEX_DEFAULTS.accelerator_type,
    }),
    accelerator_count: {
      type: 'integer',
      minimum: 1,
      default: VERTEX_DEFAULTS.accelerator_count,
      description: 'Accelerators attached to the worker.',
    },
    data_uri: nullableString(
      'gs:// directory of the dataset; each job gets data.root=/gcs/<bucket>/<path>. null: leave data.root alone.',
      { pattern: '^gs://' },
    ),
    output_uri: nullableString(
      'gs:// directory the jobs write to: hydra.run.dir=/gcs/<bucket>/<path>/<the job directory> (required).',
      { pattern: '^gs://' },
    ),
    service_account: nullableString('Service account the jobs run as; null: the Vertex AI default.'),
    display_name_prefix: {
      type: 'string',
      minLength: 1,
      default: VERTEX_DEFAULTS.display_name_prefix,
      description: 'Display names are <prefix>-<job number> <overrides>.',
    },
    mode: {
      enum: ['gcloud', 'rest'],
      default: VERTEX_DEFAULTS.mode,
      description:
        'gcloud: gcloud ai custom-jobs create; rest: the Vertex AI REST API with a gcloud access token.',
    },
  },
  additionalProperties: false,
};
/** Checks the options a launcher needs and fills the defaults of any the config did not carry. */
export function resolveVertexSettings(options: Readonly<VertexLauncherOptions>): VertexSettings {
  const project = required(options.project, 'project', 'the Google Cloud project id, e.g. my-project');
  const image = required(
    options.image,
    'image',
    'the Artifact Registry image to run, e.g. us-central1-docker.pkg.dev/my-project/cls/cls-gpu:0.1.0',
  );
  const outputUri = required(
    options.output_uri,
    'output_uri',
    'a gs:// directory for the runs; a custom job keeps nothing written outside GCS',
  );
  return {
    project,
    region: options.region ?? VERTEX_DEFAULTS.region,
    image,
    machineType: options.machine_type ?? VERTEX_DEFAULTS.machine_type,
    acceleratorType:
      options.accelerator_type === undefined ? VERTEX_DEFAULTS.accelerator_type : options.accelerator_type,
    acceleratorCount: options.accelerator_count ?? VERTEX_DEFAULTS.accelerator_count,
    data:
      options.data_uri === undefined || options.data_uri === null
        ? null
        : parseGcsUri(options.data_uri, 'hydra.launcher.data_uri'),
    output: parseGcsUri(outputUri, 'hydra.launcher.output_uri'),
    serviceAccount: options.service_account ?? null,
    displayNamePrefix: options.display_name_prefix ?? VERTEX_DEFAULTS.display_name_prefix,
    mode: options.mode ?? VERTEX_DEFAULTS.mode,
  };
}

function required(value: string | null | undefined, key: string, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ClsError(
    'CONFIG_MISSING_VALUE',
    `hydra.launcher.${key}: the vertex launcher needs ${what} (add +hydra.launcher.${key}=...)`,
  );
}
