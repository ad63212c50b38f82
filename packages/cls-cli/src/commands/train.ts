import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@nextplay/cls-core';
import { composeConfig } from '@nextplay/cls-config';
import { createBuiltinRegistry } from '../builtinPlugins.js';
import type { CliArgs } from '../cliArgs.js';
import type { CliIo } from '../cliIo.js';
import { configSearchPath } from '../configDirs.js';
import { EXIT_INTERRUPTED, interruptSignal } from '../interruptSignal.js';
import { printableConfig } from '../printConfig.js';
import { resumeCommand } from '../resumeCommand.js';
import { runTraining } from '../runTraining.js';
import { validatedRunConfig } from '../validatedRunConfig.js';
import { multirunCommand } from './multirun.js';
import { loadProjectDefaults } from '../loadProjectDefaults.js';

export { EXIT_INTERRUPTED } from '../interruptSignal.js';

/** `cls train`: compose, validate, then fit + test. Nothing is written before the config is valid. */
export async function trainCommand(args: CliArgs, io: CliIo): Promise<number> {
  if (args.multirun) return multirunCommand(args, io);
  const registry = createBuiltinRegistry();
  const configDirs = configSearchPath(io.cwd, args.configDir, args.configPath);
  const projectConfig = await loadProjectDefaults(io.cwd, args);
  const composed = composeConfig({
    configDirs,
    configName: args.configName,
    overrides: args.overrides,
    ...(projectConfig === undefined ? {} : { projectConfig }),
  });

  if (args.cfg !== undefined) {
    // As Hydra with typed configs: the config is printed, and an invalid one still fails (exit 1, one line).
    io.stdout(printableConfig(composed, args.cfg, args.resolve, io.cwd));
    const logger = createLogger({ level: args.verbose ? 4 : 3 });
    await validatedRunConfig(composed, registry, io.cwd, new Set(), (message) => {
      logger.warn(message);
    });
    return 0;
  }

  // runTraining checks the data paths before the run directory exists or a backend is chosen.
  const { runDir } = await validatedRunConfig(composed, registry, io.cwd);
  const logger = createLogger({ level: args.verbose ? 4 : 3 });
  const interrupt = interruptSignal(logger);
  try {
    const outcome = await runTraining({
      composed,
      registry,
      runDir,
      configDirs,
      verbose: args.verbose,
      io,
      signal: interrupt.signal,
    });
    if (!outcome.interrupted) return 0;
    const last = join(runDir, 'checkpoints', 'last');
    logger.warn(
      existsSync(last)
        ? `interrupted; resume exactly where it stopped (weights, optimizer state, epoch and position) with: ` +
            resumeCommand(args, runDir, io.cwd)
        : 'interrupted before any checkpoint was written',
    );
    return EXIT_INTERRUPTED;
  } finally {
    interrupt.dispose();
  }
}
