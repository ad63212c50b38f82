import type { JobResult, Launcher, LauncherContext, RunJob, SweepJob } from '@nextplay/cls-core';
import { customJobRequest } from './customJobRequest.js';
import { customJobName, gcloudCreateArgs } from './gcloudCommand.js';
import { gcsUri } from './gcsPath.js';
import type { HttpClient } from './httpClient.js';
import type { ProcessExecutor } from './processExecutor.js';
import { vertexJobSpec, type VertexJobSpec } from './vertexJobSpec.js';
import type { VertexSettings } from './vertexLauncherOptions.js';

/** What the launcher reaches the outside world through; tests pass recording fakes, a run the real ones. */
export interface VertexLauncherDeps {
  /** Runs `gcloud` (job creation in `gcloud` mode, the access token in `rest` mode). */
  readonly runProcess: ProcessExecutor;
  /** Sends the `rest` mode request. */
  readonly http: HttpClient;
  /** The directory job run directories are taken relative to when mirrored under `output_uri`. */
  readonly cwd: string;
}

/** The keys of a submitted job's result. */
export const VERTEX_STATE_KEY = 'vertex/state';
export const VERTEX_JOB_KEY = 'vertex/job';
export const VERTEX_OUTPUT_KEY = 'vertex/output';

/**
 * Submits each job of a sweep as a Vertex AI custom job, one after another, and returns once all are submitted:
 * training goes on in Google Cloud. A job whose submission fails is `failed` and the next one is still submitted.
 */
export class VertexLauncher implements Launcher {
  readonly #settings: VertexSettings;
  readonly #context: LauncherContext;
  readonly #deps: VertexLauncherDeps;
  #accessToken: Promise<string> | undefined;

  constructor(settings: VertexSettings, context: LauncherContext, deps: VertexLauncherDeps) {
    this.#settings = settings;
    this.#context = context;
    this.#deps = deps;
  }

  // The jobs run in the image, not here, so `runJob` is not used.
  async launch(jobs: readonly SweepJob[], _runJob: RunJob): Promise<JobResult[]> {
    const { logger, signal } = this.#context;
    const { project, region, mode } = this.#settings;
    logger.info(
      `submitting ${jobs.length} job${jobs.length === 1 ? '' : 's'} to Vertex AI (${project}, ${region}, ${mode})`,
    );
    const results: JobResult[] = [];
    for (const job of jobs) {
      if (signal?.aborted === true) {
        results.push({ job, status: 'interrupted' });
        continue;
      }
      logger.info(`#${job.num} : ${job.overrides.join(' ')}`);
      results.push(await this.#submit(job));
    }
    const submitted = results.filter((result) => result.status === 'submitted').length;
    logger.info(
      `${submitted} of ${jobs.length} custom job${jobs.length === 1 ? '' : 's'} submitted; follow them with: gcloud ai custom-jobs list --project=${project} --region=${region}`,
    );
    return results;
  }

  async #submit(job: SweepJob): Promise<JobResult> {
    const spec = vertexJobSpec(job, this.#settings, this.#deps.cwd);
    try {
      const name =
        this.#settings.mode === 'gcloud' ? await this.#createWithGcloud(spec) : await this.#post(spec);
      const output = gcsUri(spec.output);
      this.#context.logger.info(
        `#${job.num} submitted as ${name ?? '(no job name printed)'}, writing to ${output}`,
      );
      return {
        job,
        status: 'submitted',
        results: {
          [VERTEX_STATE_KEY]: 'submitted',
          [VERTEX_JOB_KEY]: name ?? null,
          [VERTEX_OUTPUT_KEY]: output,
        },
      };
    } catch (error) {
      if (this.#context.signal?.aborted === true) {
        return {
          job,
          status: 'interrupted',
          error: 'interrupted while submitting; check gcloud ai custom-jobs list',
        };
      }
      const message = error instanceof Error ? error.message : String(error);
      this.#context.logger.error(`#${job.num} was not submitted: ${message}`);
      return { job, status: 'failed', error: message };
    }
  }

  async #createWithGcloud(spec: VertexJobSpec): Promise<string | undefined> {
    const args = gcloudCreateArgs(spec, this.#settings);
    const { exitCode, stdout, stderr } = await this.#gcloud(args);
    if (exitCode !== 0) {
      throw new Error(`gcloud ai custom-jobs create exited with code ${exitCode}: ${lastLines(stderr)}`);
    }
    return customJobName(stdout) ?? customJobName(stderr);
  }

  async #post(spec: VertexJobSpec): Promise<string | undefined> {
    this.#accessToken ??= this.#printAccessToken();
    const request = customJobRequest(spec, this.#settings, await this.#accessToken);
    const { signal } = this.#context;
    const response = await this.#deps.http(request, signal === undefined ? {} : { signal });
    const body = parseJson(response.body);
    if (response.status < 200 || response.status >= 300) {
      const reason = apiErrorMessage(body) ?? lastLines(response.body);
      throw new Error(`Vertex AI answered HTTP ${response.status}: ${reason}`);
    }
    return isRecord(body) && typeof body.name === 'string' ? body.name : undefined;
  }

  async #printAccessToken(): Promise<string> {
    const { exitCode, stdout, stderr } = await this.#gcloud(['auth', 'print-access-token']);
    const token = stdout.trim();
    if (exitCode !== 0 || token === '') {
      throw new Error(`gcloud auth print-access-token failed (run gcloud auth login): ${lastLines(stderr)}`);
    }
    return token;
  }

  async #gcloud(args: readonly string[]): ReturnType<ProcessExecutor> {
    const { signal } = this.#context;
    try {
      return await this.#deps.runProcess('gcloud', args, signal === undefined ? {} : { signal });
    } catch (error) {
      if (isRecord(error) && error.code === 'ENOENT') {
        throw new Error(
          'gcloud is not on PATH; install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install)',
        );
      }
      throw error;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `{"error": {"message": ...}}`, Google APIs' error shape. */
function apiErrorMessage(body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  return typeof body.error.message === 'string' ? body.error.message : undefined;
}

function lastLines(text: string, count = 3): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.length === 0 ? '(no output)' : lines.slice(-count).join('; ');
}
