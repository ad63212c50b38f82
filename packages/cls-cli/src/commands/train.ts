import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLogger, type ClsConfig } from '@nextplay/cls-core';
import {
  composeConfig,
  resolveConfig,
  resolveRunDir,
  toYaml,
  validateConfig,
  writeRunConfig,
} from '@nextplay/cls-config';
import { fit } from '@nextplay/cls-engine';
import { createBuiltinRegistry } from '../builtinPlugins.js';
import type { CliArgs } from '../cliArgs.js';
import type { CliIo } from '../cliIo.js';
import { configSearchPath } from '../configDirs.js';
import { formatResults } from '../formatResults.js';

export const EXIT_INTERRUPTED = 130;

/** `cls train`: compose, validate, then fit + test. Nothing is written before the config is valid. */
export async function trainCommand(args: CliArgs, io: CliIo): Promise<number> {
  const registry = createBuiltinRegistry();
  const configDirs = configSearchPath(io.cwd, args.configDir);
  const composed = composeConfig({ configDirs, configName: args.configName, overrides: args.overrides });

  if (args.cfg !== undefined) {
    const runDir = resolveRunDir(composed.config);
    const config = args.resolve
      ? resolveConfig(composed.config, { outputDir: resolve(io.cwd, runDir), cwd: io.cwd })
      : composed.config;
    io.stdout(toYaml(selectForPrinting(config, args.cfg)));
    return 0;
  }

  // Outside plugins register before validation, so their option schemas take part in it.
  for (const specifier of pluginSpecifiers(composed.config)) await registry.load(specifier, io.cwd);

  const runDir = resolve(io.cwd, resolveRunDir(composed.config));
  const config: ClsConfig = validateConfig(
    resolveConfig(composed.config, { outputDir: runDir, cwd: io.cwd }),
    registry,
  );

  mkdirSync(runDir, { recursive: true });
  const logger = createLogger({
    level: args.verbose || config.hydra.verbose ? 4 : 3,
    logFile: join(runDir, `${config.task_name}.log`),
  });
  writeRunConfig(runDir, {
    config,
    overrides: composed.overrides,
    hydra: { choices: composed.choices, configName: args.configName, configDirs, cwd: io.cwd, runDir },
  });
  logger.info(`run directory: ${runDir}`);

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    logger.warn(
      `${signal} received: finishing the current step, then stopping (press Ctrl-C again to quit now)`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const results = await fit({ config, registry, runDir, logger, signal: controller.signal });
    io.stdout(formatResults(results, runDir));
    if (controller.signal.aborted) {
      const last = join(runDir, 'checkpoints', 'last');
      logger.warn(
        existsSync(last)
          ? `interrupted; continue from the last completed epoch with: cls train ${[...composed.overrides.task, `ckpt_path=${last}`].join(' ')}`
          : 'interrupted before the first epoch completed; no checkpoint was written',
      );
      return EXIT_INTERRUPTED;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function selectForPrinting(
  config: Record<string, unknown>,
  cfg: 'job' | 'hydra' | 'all',
): Record<string, unknown> {
  if (cfg === 'all') return config;
  if (cfg === 'hydra') return { hydra: config.hydra };
  const { hydra: _hydra, ...job } = config;
  return job;
}

function pluginSpecifiers(config: Record<string, unknown>): string[] {
  const plugins = config.plugins;
  return Array.isArray(plugins) ? plugins.filter((p): p is string => typeof p === 'string') : [];
}
