import {
  definePlugin,
  type JobResult,
  type Launcher,
  type LauncherContext,
  type RunJob,
  type SweepJob,
} from '@nextplay/cls-core';

/** Hydra's basic launcher: the jobs of a sweep one after another, in this process. */
export class BasicLauncher implements Launcher {
  readonly #context: LauncherContext;

  constructor(context: LauncherContext) {
    this.#context = context;
  }

  async launch(jobs: readonly SweepJob[], runJob: RunJob): Promise<JobResult[]> {
    const { logger, signal } = this.#context;
    logger.info(`launching ${jobs.length} job${jobs.length === 1 ? '' : 's'} locally`);
    const results: JobResult[] = [];
    for (const job of jobs) {
      if (signal?.aborted === true) {
        results.push({ job, status: 'interrupted' });
        continue;
      }
      logger.info(`#${job.num} : ${job.overrides.join(' ')}`);
      try {
        results.push(await runJob(job));
      } catch (error) {
        // A job that throws instead of reporting a failure still must not end the sweep.
        results.push({
          job,
          status: 'failed',
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return results;
  }
}

export const basicLauncherPlugin = definePlugin({
  kind: 'launcher',
  name: 'basic',
  package: '@nextplay/cls-cli',
  description: 'Runs the jobs of a multirun one after another in the cls process.',
  optionsSchema: { type: 'object', properties: {}, additionalProperties: false },
  create: (_options: Readonly<Record<string, unknown>>, context: LauncherContext) =>
    new BasicLauncher(context),
});
