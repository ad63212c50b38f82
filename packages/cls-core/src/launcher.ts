import type { JsonValue } from './callback.js';
import type { Logger } from './logger.js';

/** One job of a multirun: the overrides it composes its config from, and where it runs. */
export interface SweepJob {
  /** 0-based position in the sweep, Hydra's `hydra.job.num`. */
  readonly num: number;
  /** The job's command-line overrides, sweeps expanded (`model=resnet50`, `optimizer.lr=0.001`). */
  readonly overrides: readonly string[];
  /** Its run directory, `hydra.sweep.dir/hydra.sweep.subdir` resolved. */
  readonly runDir: string;
}

/** `submitted`: handed to a remote runner (e.g. a Vertex AI custom job) whose results land there, not here. */
export type JobStatus = 'completed' | 'submitted' | 'failed' | 'interrupted';

/** How a job ended: its results (`test/acc`, ...) when it completed, the error message when it failed. */
export interface JobResult {
  readonly job: SweepJob;
  readonly status: JobStatus;
  readonly results?: Readonly<Record<string, JsonValue>>;
  readonly error?: string;
}

/**
 * Runs one job in the calling process and reports how it ended; it resolves with a `failed` result rather
 * than rejecting when the job fails.
 */
export type RunJob = (job: SweepJob) => Promise<JobResult>;

export interface LauncherContext {
  readonly logger: Logger;
  /** Aborted on Ctrl-C: start no further job. */
  readonly signal?: AbortSignal;
}

/**
 * Decides how and where the jobs of a sweep run (Hydra's launcher). It must give one result per job, in job
 * order, and keep going when a job fails; jobs it never started (after an abort) are `interrupted`.
 */
export interface Launcher {
  launch(jobs: readonly SweepJob[], runJob: RunJob): Promise<JobResult[]>;
}
