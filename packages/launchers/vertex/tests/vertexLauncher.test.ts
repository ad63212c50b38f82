import { createLogger, type RunJob, type SweepJob } from '@nextplay/cls-core';
import { describe, expect, it } from 'vitest';
import {
  VertexLauncher,
  resolveVertexSettings,
  type HttpClient,
  type HttpRequest,
  type ProcessExecutor,
  type ProcessOutput,
  type VertexLauncherOptions,
} from '../src/index.js';

const IMAGE = 'us-central1-docker.pkg.dev/my-project/cls/cls-gpu:0.1.0';
const BASE: VertexLauncherOptions = {
  project: 'my-project',
  image: IMAGE,
  data_uri: 'gs://my-bucket/data/jerseys',
  output_uri: 'gs://my-bucket/runs',
};
const CWD = '/home/me/project';
const SWEEP = `${CWD}/multirun/2025-01-02/03-04-05`;
const JOBS: SweepJob[] = [
  { num: 0, overrides: ['model=resnet18'], runDir: `${SWEEP}/0` },
  { num: 1, overrides: ['model=resnet50'], runDir: `${SWEEP}/1` },
];
const runJobNeverCalled: RunJob = () => Promise.reject(new Error('a Vertex AI job must not run locally'));

interface Recorded {
  readonly commands: { command: string; args: readonly string[] }[];
  readonly requests: HttpRequest[];
}

/** Answers gcloud calls in order from `outputs`, recording each; the HTTP client answers from `responses`. */
function fakeCloud(
  outputs: readonly (ProcessOutput | Error)[],
  responses: readonly { status: number; body: string }[] = [],
) {
  const recorded: Recorded = { commands: [], requests: [] };
  const runProcess: ProcessExecutor = (command, args) => {
    const output = outputs[recorded.commands.length];
    recorded.commands.push({ command, args });
    if (output === undefined) return Promise.reject(new Error('unexpected gcloud call'));
    return output instanceof Error ? Promise.reject(output) : Promise.resolve(output);
  };
  const http: HttpClient = (request) => {
    const response = responses[recorded.requests.length];
    recorded.requests.push(request);
    return response === undefined
      ? Promise.reject(new Error('unexpected request'))
      : Promise.resolve(response);
  };
  return { recorded, deps: { runProcess, http, cwd: CWD } };
}

function launcher(
  options: VertexLauncherOptions,
  deps: ReturnType<typeof fakeCloud>['deps'],
  signal?: AbortSignal,
) {
  const logger = createLogger({ console: false });
  return new VertexLauncher(
    resolveVertexSettings(options),
    signal === undefined ? { logger } : { logger, signal },
    deps,
  );
}

const created = (id: number): ProcessOutput => ({
  exitCode: 0,
  stdout: `projects/123/locations/us-central1/customJobs/${id}\n`,
  stderr: `Using endpoint [https://us-central1-aiplatform.googleapis.com/]\nCustomJob [projects/123/locations/us-central1/customJobs/${id}] is submitted successfully.\n`,
});

describe('VertexLauncher in gcloud mode', () => {
  it('runs one gcloud ai custom-jobs create per job with the exact arguments', async () => {
    const { recorded, deps } = fakeCloud([created(11), created(12)]);
    const results = await launcher(BASE, deps).launch(JOBS, runJobNeverCalled);

    const argv = (num: number, model: string) => [
      'ai',
      'custom-jobs',
      'create',
      '--project=my-project',
      '--region=us-central1',
      `--display-name=cls-${num} model=${model}`,
      `--worker-pool-spec=machine-type=n1-standard-8,accelerator-type=NVIDIA_TESLA_T4,accelerator-count=1,replica-count=1,container-image-uri=${IMAGE}`,
      `--args=train,model=${model},hydra.run.dir=/gcs/my-bucket/runs/multirun/2025-01-02/03-04-05/${num},data.root=/gcs/my-bucket/data/jerseys`,
      '--format=value(name)',
    ];
    expect(recorded.commands).toEqual([
      { command: 'gcloud', args: argv(0, 'resnet18') },
      { command: 'gcloud', args: argv(1, 'resnet50') },
    ]);
    expect(results).toEqual([
      {
        job: JOBS[0],
        status: 'submitted',
        results: {
          'vertex/state': 'submitted',
          'vertex/job': 'projects/123/locations/us-central1/customJobs/11',
          'vertex/output': 'gs://my-bucket/runs/multirun/2025-01-02/03-04-05/0',
        },
      },
      {
        job: JOBS[1],
        status: 'submitted',
        results: {
          'vertex/state': 'submitted',
          'vertex/job': 'projects/123/locations/us-central1/customJobs/12',
          'vertex/output': 'gs://my-bucket/runs/multirun/2025-01-02/03-04-05/1',
        },
      },
    ]);
  });

  it('reports a failed submission and still submits the next job', async () => {
    const { recorded, deps } = fakeCloud([
      {
        exitCode: 1,
        stdout: '',
        stderr: 'ERROR: (gcloud.ai.custom-jobs.create) PERMISSION_DENIED: aiplatform.customJobs.create\n',
      },
      created(12),
    ]);
    const results = await launcher(BASE, deps).launch(JOBS, runJobNeverCalled);

    expect(recorded.commands).toHaveLength(2);
    expect(results.map((result) => result.status)).toEqual(['failed', 'submitted']);
    expect(results[0]?.error).toBe(
      'gcloud ai custom-jobs create exited with code 1: ERROR: (gcloud.ai.custom-jobs.create) PERMISSION_DENIED: aiplatform.customJobs.create',
    );
    expect(results[1]?.results?.['vertex/job']).toBe('projects/123/locations/us-central1/customJobs/12');
  });

  it('says how to install gcloud when it is missing', async () => {
    const missing = Object.assign(new Error('spawn gcloud ENOENT'), { code: 'ENOENT' });
    const { deps } = fakeCloud([missing, missing]);
    const results = await launcher(BASE, deps).launch(JOBS, runJobNeverCalled);

    expect(results.map((result) => result.error)).toEqual([
      'gcloud is not on PATH; install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install)',
      'gcloud is not on PATH; install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install)',
    ]);
  });

  it('uses a CPU-only worker, a service account and gcloud list escaping when asked', async () => {
    const { recorded, deps } = fakeCloud([created(7)]);
    const job: SweepJob = { num: 0, overrides: ['data.mean=[0.5,0.5,0.5]'], runDir: '/tmp/sweeps/0' };
    await launcher(
      {
        ...BASE,
        accelerator_type: null,
        data_uri: null,
        service_account: 'trainer@my-project.iam.gserviceaccount.com',
      },
      deps,
    ).launch([job], runJobNeverCalled);

    const args = recorded.commands[0]?.args;
    expect(args).toContain(
      `--worker-pool-spec=machine-type=n1-standard-8,replica-count=1,container-image-uri=${IMAGE}`,
    );
    expect(args).toContain('--service-account=trainer@my-project.iam.gserviceaccount.com');
    // A run directory outside the working directory keeps its whole path under output_uri.
    expect(args).toContain(
      '--args=^;^train;data.mean=[0.5,0.5,0.5];hydra.run.dir=/gcs/my-bucket/runs/tmp/sweeps/0',
    );
  });

  it('leaves the launcher and sweep settings out of the job', async () => {
    const { recorded, deps } = fakeCloud([created(8)]);
    const job: SweepJob = {
      num: 3,
      overrides: [
        'hydra.launcher.name=vertex',
        '+hydra.launcher.project=p',
        'hydra.sweep.dir=s',
        'plugins=[x]',
        'seed=1',
      ],
      runDir: `${SWEEP}/3`,
    };
    await launcher(BASE, deps).launch([job], runJobNeverCalled);

    const args = recorded.commands[0]?.args;
    expect(args).toContain('--display-name=cls-3 seed=1');
    expect(args).toContain(
      '--args=train,plugins=[x],seed=1,hydra.run.dir=/gcs/my-bucket/runs/multirun/2025-01-02/03-04-05/3,data.root=/gcs/my-bucket/data/jerseys',
    );
  });

  it('submits nothing once interrupted', async () => {
    const { recorded, deps } = fakeCloud([]);
    const controller = new AbortController();
    controller.abort();
    const results = await launcher(BASE, deps, controller.signal).launch(JOBS, runJobNeverCalled);

    expect(recorded.commands).toEqual([]);
    expect(results).toEqual([
      { job: JOBS[0], status: 'interrupted' },
      { job: JOBS[1], status: 'interrupted' },
    ]);
  });
});

describe('VertexLauncher in rest mode', () => {
  const token: ProcessOutput = { exitCode: 0, stdout: 'ya29.token\n', stderr: '' };

  it('POSTs the exact CustomJob to the regional endpoint with a gcloud access token', async () => {
    const { recorded, deps } = fakeCloud(
      [token],
      [
        { status: 200, body: JSON.stringify({ name: 'projects/123/locations/europe-west4/customJobs/21' }) },
        { status: 200, body: JSON.stringify({ name: 'projects/123/locations/europe-west4/customJobs/22' }) },
      ],
    );
    const results = await launcher(
      {
        ...BASE,
        mode: 'rest',
        region: 'europe-west4',
        service_account: 'trainer@my-project.iam.gserviceaccount.com',
      },
      deps,
    ).launch(JOBS, runJobNeverCalled);

    // One token for the whole sweep.
    expect(recorded.commands).toEqual([{ command: 'gcloud', args: ['auth', 'print-access-token'] }]);
    expect(recorded.requests).toHaveLength(2);
    const request = recorded.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(
      'https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/locations/europe-west4/customJobs',
    );
    expect(request.headers).toEqual({
      authorization: 'Bearer ya29.token',
      'content-type': 'application/json; charset=utf-8',
    });
    expect(JSON.parse(request.body)).toEqual({
      displayName: 'cls-0 model=resnet18',
      jobSpec: {
        workerPoolSpecs: [
          {
            machineSpec: {
              machineType: 'n1-standard-8',
              acceleratorType: 'NVIDIA_TESLA_T4',
              acceleratorCount: 1,
            },
            replicaCount: '1',
            containerSpec: {
              imageUri: IMAGE,
              args: [
                'train',
                'model=resnet18',
                'hydra.run.dir=/gcs/my-bucket/runs/multirun/2025-01-02/03-04-05/0',
                'data.root=/gcs/my-bucket/data/jerseys',
              ],
            },
          },
        ],
        serviceAccount: 'trainer@my-project.iam.gserviceaccount.com',
        baseOutputDirectory: { outputUriPrefix: 'gs://my-bucket/runs/multirun/2025-01-02/03-04-05/0' },
      },
    });
    expect(results.map((result) => result.results?.['vertex/job'])).toEqual([
      'projects/123/locations/europe-west4/customJobs/21',
      'projects/123/locations/europe-west4/customJobs/22',
    ]);
  });

  it('reports the API error of a rejected job and goes on', async () => {
    const { deps } = fakeCloud(
      [token],
      [
        {
          status: 400,
          body: JSON.stringify({
            error: { code: 400, message: 'Machine type "n1-standard-8" does not support NVIDIA_TESLA_A100.' },
          }),
        },
        { status: 200, body: JSON.stringify({ name: 'projects/123/locations/us-central1/customJobs/22' }) },
      ],
    );
    const results = await launcher({ ...BASE, mode: 'rest' }, deps).launch(JOBS, runJobNeverCalled);

    expect(results.map((result) => result.status)).toEqual(['failed', 'submitted']);
    expect(results[0]?.error).toBe(
      'Vertex AI answered HTTP 400: Machine type "n1-standard-8" does not support NVIDIA_TESLA_A100.',
    );
  });

  it('fails every job when no access token can be printed', async () => {
    const { recorded, deps } = fakeCloud([
      {
        exitCode: 1,
        stdout: '',
        stderr:
          'ERROR: (gcloud.auth.print-access-token) You do not currently have an active account selected.\n',
      },
    ]);
    const results = await launcher({ ...BASE, mode: 'rest' }, deps).launch(JOBS, runJobNeverCalled);

    expect(recorded.requests).toEqual([]);
    expect(results.map((result) => result.status)).toEqual(['failed', 'failed']);
    expect(results[1]?.error).toBe(
      'gcloud auth print-access-token failed (run gcloud auth login): ERROR: (gcloud.auth.print-access-token) You do not currently have an active account selected.',
    );
  });
});
