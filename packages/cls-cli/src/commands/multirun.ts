import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ClsError,
  createLogger,
  isClsError,
  writeFileAtomic,
  type JobResult,
  type Launcher,
  type PluginRegistry,
  type RunJob,
  type SweepJob,
} from '@nextplay/cls-core';
import {
  composeConfig,
  expandSweeps,
  hasSweeps,
  listConfigGroups,
  parseOverride,
  resolveKey,
  toYaml,
  validatePluginNode,
  type ComposeOptions,
  type ComposeResult,
} from '@nextplay/cls-config';
import { createBuiltinRegistry } from '../builtinPlugins.js';
import type { CliArgs } from '../cliArgs.js';
import type { CliIo } from '../cliIo.js';
import { configSearchPath } from '../configDirs.js';
import { formatSweepSummary } from '../formatSweepSummary.js';
import { EXIT_INTERRUPTED, interruptSignal } from '../interruptSignal.js';
import { loadConfigPlugins } from '../pluginSpecifiers.js';
import { printableConfig } from '../printConfig.js';
import { runTraining } from '../runTraining.js';
import { validatedRunConfig } from '../validatedRunConfig.js';
import { loadProjectDefaults } from '../loadProjectDefaults.js';

const EXIT_JOB_FAILED = 1;

/** A job with its composed config, or the reason it could not be composed (reported when its turn comes). */
interface PlannedJob {
  readonly job: SweepJob;
  readonly composed?: ComposeResult;
  readonly error?: unknown;
}

/**
 * `cls train -m ...`: expands the sweeps into jobs (cartesian product, first override slowest), runs them with
 * the `hydra.launcher` plugin, each in `hydra.sweep.dir/hydra.sweep.subdir`, and prints a summary. A failing
 * job is reported and the sweep goes on; the exit code is non-zero when any job failed.
 */
export async function multirunCommand(args: CliArgs, io: CliIo): Promise<number> {
  const configDirs = configSearchPath(io.cwd, args.configDir, args.configPath);
  const projectConfig = await loadProjectDefaults(io.cwd, args);
  const now = new Date();
  const composeOptions = (overrides: readonly string[]): ComposeOptions => ({
    configDirs,
    configName: args.configName,
    overrides,
    now,
    ...(projectConfig === undefined ? {} : { projectConfig }),
  });
  const jobOverrides = expandSweeps(args.overrides, listConfigGroups(configDirs));

  if (args.cfg !== undefined) {
    // Every job's config is printed, then checked as its run would check it: the first invalid one fails.
    const composedJobs = jobOverrides.map((overrides, num) => {
      const composed = composeConfig(composeOptions(overrides));
      setJobNumber(composed, num);
      io.stdout(
        `# job ${num}: ${overrides.join(' ')}\n${printableConfig(composed, args.cfg ?? 'job', args.resolve, io.cwd)}`,
      );
      if (num < jobOverrides.length - 1) io.stdout('---\n');
      return composed;
    });
    const registry = createBuiltinRegistry();
    const loaded = new Set<string>();
    for (const [num, composed] of composedJobs.entries()) {
      try {
        await validatedRunConfig(composed, registry, io.cwd, loaded);
      } catch (error) {
        if (!isClsError(error)) throw error;
        throw new ClsError(
          error.code,
          `job ${num} (${jobOverrides[num]?.join(' ') ?? ''}): ${error.message}`,
          {
            cause: error,
          },
        );
      }
    }
    return 0;
  }

  // The sweep's own config is composed from the overrides that do not sweep, as Hydra does.
  const sweepConfig = composeConfig(composeOptions(args.overrides.filter((input) => !hasSweeps([input]))));
  const registry = createBuiltinRegistry();
  const loadedPlugins = new Set<string>();
  await loadConfigPlugins(registry, sweepConfig.config, io.cwd, loadedPlugins);

  const sweepDir = resolve(io.cwd, stringAt(sweepConfig, 'hydra.sweep.dir', io.cwd));
  const planned = jobOverrides.map((overrides, num) =>
    planJob(num, overrides, sweepDir, sweepConfig, composeOptions, io.cwd),
  );
  const logger = createLogger({ level: args.verbose ? 4 : 3 });
  const interrupt = interruptSignal(logger);
  try {
    // The launcher checks its options before the sweep directory is written.
    const launcher = await createLauncher(sweepConfig, registry, logger, interrupt.signal, io.cwd);
    mkdirSync(sweepDir, { recursive: true });
    await writeFileAtomic(
      join(sweepDir, 'multirun.yaml'),
      toYaml({
        ...sweepConfig.config,
        hydra: { ...hydraNode(sweepConfig), overrides: { task: args.overrides } },
      }),
    );
    const byNum = new Map(planned.map((plan) => [plan.job.num, plan]));
    const runJob: RunJob = async (job) => {
      const plan = byNum.get(job.num);
      if (plan === undefined) throw new Error(`the launcher ran job ${job.num}, which is not in this sweep`);
      if (plan.composed === undefined) return failedJob(job, plan.error, io);
      try {
        await loadConfigPlugins(registry, plan.composed.config, io.cwd, loadedPlugins);
        const outcome = await runTraining({
          composed: plan.composed,
          registry,
          runDir: job.runDir,
          configDirs,
          verbose: args.verbose,
          io,
          signal: interrupt.signal,
        });
        return { job, status: outcome.interrupted ? 'interrupted' : 'completed', results: outcome.results };
      } catch (error) {
        return failedJob(job, error, io);
      }
    };
    const results = await launcher.launch(
      planned.map((plan) => plan.job),
      runJob,
    );
    const sweptKeys = args.overrides
      .filter((input) => hasSweeps([input]))
      .map((input) => parseOverride(input).key);
    io.stdout(formatSweepSummary(results, sweepDir, sweptKeys));
    return exitCode(results);
  } finally {
    interrupt.dispose();
  }
}

/** Reports a failed job on stderr (one line, like any cls error) and records it; the sweep goes on. */
function failedJob(job: SweepJob, error: unknown, io: CliIo): JobResult {
  const message = isClsError(error)
    ? error.message
    : `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  io.stderr(
    `cls: job ${job.num} (${job.overrides.join(' ')}) failed: ${message.replace(/\s*\n\s*/g, '; ')}\n`,
  );
  return { job, status: 'failed', error: message };
}

function planJob(
  num: number,
  overrides: readonly string[],
  sweepDir: string,
  sweepConfig: ComposeResult,
  composeOptions: (overrides: readonly string[]) => ComposeOptions,
  cwd: string,
): PlannedJob {
  try {
    const composed = composeConfig(composeOptions(overrides));
    setJobNumber(composed, num);
    const runDir = resolve(sweepDir, stringAt(composed, 'hydra.sweep.subdir', cwd));
    return { job: { num, overrides, runDir }, composed };
  } catch (error) {
    // The job fails when its turn comes; its directory follows the sweep's own config meanwhile.
    setJobNumber(sweepConfig, num);
    const runDir = resolve(sweepDir, stringAt(sweepConfig, 'hydra.sweep.subdir', cwd));
    return { job: { num, overrides, runDir }, error };
  }
}

/** `hydra.job.num` (and `.id`), which `${hydra.job.num}` in `hydra.sweep.subdir` refers to. */
function setJobNumber(composed: ComposeResult, num: number): void {
  const hydra = hydraNode(composed);
  hydra.job = { ...(isConfigMap(hydra.job) ? hydra.job : {}), num, id: String(num) };
  composed.config.hydra = hydra;
}

function isConfigMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hydraNode(composed: ComposeResult): Record<string, unknown> {
  const hydra = composed.config.hydra;
  return isConfigMap(hydra) ? hydra : {};
}

function stringAt(composed: ComposeResult, key: string, cwd: string): string {
  const value = resolveKey(composed.config, key, { cwd });
  if ((typeof value !== 'string' && typeof value !== 'number') || value === '') {
    throw new ClsError('CONFIG_INVALID', `${key}: must be a non-empty string (got ${JSON.stringify(value)})`);
  }
  return String(value);
}

async function createLauncher(
  sweepConfig: ComposeResult,
  registry: PluginRegistry,
  logger: ReturnType<typeof createLogger>,
  signal: AbortSignal,
  cwd: string,
): Promise<Launcher> {
  const raw =
    'launcher' in hydraNode(sweepConfig)
      ? resolveKey(sweepConfig.config, 'hydra.launcher', { cwd })
      : 'basic';
  // `hydra.launcher=basic` is short for `hydra.launcher={name: basic}`.
  const node = validatePluginNode(
    typeof raw === 'string' ? { name: raw } : raw,
    { path: 'hydra.launcher', kind: 'launcher', nameKey: 'name' },
    registry,
  );
  return registry.create('launcher', String(node.name), node, { logger, signal });
}

function exitCode(results: readonly JobResult[]): number {
  if (results.some((result) => result.status === 'failed')) return EXIT_JOB_FAILED;
  if (results.some((result) => result.status === 'interrupted')) return EXIT_INTERRUPTED;
  return 0;
}
