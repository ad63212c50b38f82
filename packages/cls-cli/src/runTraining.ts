import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, type ClsConfig, type JsonValue, type PluginRegistry } from '@nextplay/cls-core';
import { resolveConfig, validateConfig, writeRunConfig, type ComposeResult } from '@nextplay/cls-config';
import { fit } from '@nextplay/cls-engine';
import { checkDataPaths } from './checkDataPaths.js';
import type { CliIo } from './cliIo.js';
import { formatResults } from './formatResults.js';

export interface TrainingRun {
  readonly composed: ComposeResult;
  readonly registry: PluginRegistry;
  /** Absolute run directory (`hydra.run.dir`, or a multirun job's sweep dir/subdir). */
  readonly runDir: string;
  readonly configDirs: readonly string[];
  readonly verbose: boolean;
  readonly io: CliIo;
  readonly signal: AbortSignal;
}

export interface TrainingOutcome {
  readonly results: Readonly<Record<string, JsonValue>>;
  readonly interrupted: boolean;
}

/**
 * One training run from a composed config: resolve, validate and check the data paths (nothing is written before
 * the config is valid and its data is there), record `.hydra/`, fit + test, print the results.
 */
export async function runTraining(run: TrainingRun): Promise<TrainingOutcome> {
  const { composed, registry, runDir, io } = run;
  const warnings: string[] = [];
  const config: ClsConfig = validateConfig(
    resolveConfig(composed.config, { outputDir: runDir, cwd: io.cwd }),
    registry,
    {
      addedKeys: composed.addedKeys,
      sources: composed.sources,
      warn: (message) => warnings.push(message),
    },
  );
  // A missing or wrong data path stops the run here, before its directory exists or a backend is chosen; in a
  // multirun, before this job's directory is created.
  await checkDataPaths(config);
  mkdirSync(runDir, { recursive: true });
  const logger = createLogger({
    level: run.verbose || config.hydra.verbose ? 4 : 3,
    logFile: join(runDir, `${config.task_name}.log`),
  });
  for (const warning of warnings) logger.warn(warning);
  writeRunConfig(runDir, {
    config: composed.config,
    overrides: composed.overrides,
    hydra: {
      choices: composed.choices,
      configName: composed.configName,
      configDirs: run.configDirs,
      cwd: io.cwd,
      runDir,
    },
  });
  logger.info(`run directory: ${runDir}`);
  const results = await fit({ config, registry, runDir, logger, signal: run.signal });
  io.stdout(formatResults(results, runDir));
  return { results, interrupted: run.signal.aborted };
}
