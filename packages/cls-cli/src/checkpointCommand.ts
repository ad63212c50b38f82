import { ClsError, type ClassifierModel, type ClsConfig, type PluginRegistry } from '@nextplay/cls-core';
import { loadCheckpointModel } from '@nextplay/cls-engine';
import { foldBatchNorm } from '@nextplay/cls-models';
import { createBuiltinRegistry } from './builtinPlugins.js';
import { checkpointDir, requireCkptPath } from './checkpointDir.js';
import type { CliArgs } from './cliArgs.js';
import type { CliIo } from './cliIo.js';
import { composeCommandConfig } from './composeCommandConfig.js';
import { printableConfig } from './printConfig.js';
import { validatedRunConfig } from './validatedRunConfig.js';

/** A checkpoint command's validated config, its registry and run directory, and the checkpoint it names. */
export interface CheckpointCommandSetup {
  readonly registry: PluginRegistry;
  readonly config: ClsConfig;
  readonly runDir: string;
  readonly checkpoint: string;
}

/**
 * What `cls test` and `cls predict` do before their own work: compose and validate the config as `cls train`
 * does (with the command's own config group `node`, if any), load its plugins and resolve `ckpt_path`.
 * Undefined when `--cfg` asked for the config only (it is printed).
 */
export async function prepareCheckpointCommand(
  args: CliArgs,
  io: CliIo,
  command: 'test' | 'predict',
  overrides: readonly string[],
  node?: string,
): Promise<CheckpointCommandSetup | undefined> {
  if (args.multirun) throw new ClsError('USAGE', '-m/--multirun is only for cls train');
  const registry = createBuiltinRegistry();
  const { composed } = await composeCommandConfig(args, io, overrides, node);
  if (args.cfg !== undefined) {
    io.stdout(printableConfig(composed, args.cfg, args.resolve, io.cwd));
    await validatedRunConfig(composed, registry, io.cwd);
    return undefined;
  }
  const { config, runDir } = await validatedRunConfig(composed, registry, io.cwd);
  const checkpoint = await checkpointDir(requireCkptPath(config.ckpt_path, command), runDir, io.cwd);
  return { registry, config, runDir, checkpoint };
}

/**
 * The checkpoint's model for evaluation only, each BatchNormalization folded into its conv (one pass over every
 * activation less); the caller disposes it.
 */
export async function loadInferenceModel(checkpoint: string): Promise<ClassifierModel> {
  const loaded = await loadCheckpointModel(checkpoint);
  try {
    return foldBatchNorm(loaded);
  } finally {
    loaded.dispose();
  }
}
