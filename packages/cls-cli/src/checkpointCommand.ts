import {
  ClsError,
  createLogger,
  isClsError,
  type ClassifierModel,
  type ClsConfig,
  type Logger,
  type ModelHead,
  type PluginRegistry,
} from '@nextplay/cls-core';
import type { ComposeResult } from '@nextplay/cls-config';
import { loadCheckpointModel, type TrainerState } from '@nextplay/cls-engine';
import { foldForInference } from '@nextplay/cls-models';
import { createBuiltinRegistry } from './builtinPlugins.js';
import { checkpointDir, requireCkptPath } from './checkpointDir.js';
import type { CliArgs } from './cliArgs.js';
import type { CliIo } from './cliIo.js';
import { composeCommandConfig } from './composeCommandConfig.js';
import { printableConfig } from './printConfig.js';
import type { TrainingRun } from './trainingRun.js';
import { runPluginsHint, unloadedRunPlugins } from './unloadedRunPlugins.js';
import { validatedRunConfig } from './validatedRunConfig.js';

/** A checkpoint command's validated config, its registry and run directory, and the checkpoint it names. */
export interface CheckpointCommandSetup<Checkpoint extends string | undefined = string> {
  readonly registry: PluginRegistry;
  readonly config: ClsConfig;
  readonly composed: ComposeResult;
  readonly configDirs: readonly string[];
  readonly runDir: string;
  readonly checkpoint: Checkpoint;
  /** The training run whose recorded config the command started from, if any. */
  readonly trainingRun: TrainingRun | undefined;
  /** Plugins the training run recorded that were not loaded (see `unloadedRunPlugins`). */
  readonly unloadedPlugins: readonly string[];
  readonly logger: Logger;
}

/**
 * What `cls test`, `cls predict` and `cls export` do before their own work: compose the config as `cls train`
 * does, starting from the training run's recorded data and model (see `composeCommandConfig`), with the command's
 * own config group `node`, if any; load its plugins, validate it, and resolve `ckpt_path` (`best`/`last` of the
 * run directory, or a checkpoint directory that must exist). Undefined when `--cfg` asked for the config only.
 */
export async function prepareCheckpointCommand(
  args: CliArgs,
  io: CliIo,
  command: 'test' | 'predict',
  overrides: readonly string[],
  node?: string,
): Promise<CheckpointCommandSetup | undefined> {
  const setup = await prepareCommand(args, io, command, overrides, node);
  if (setup === undefined) return undefined;
  const checkpoint = await checkpointDir(
    requireCkptPath(setup.config.ckpt_path, command),
    setup.runDir,
    io.cwd,
  );
  return { ...setup, checkpoint };
}

/** `prepareCheckpointCommand` for `cls export`, whose `ckpt_path` is optional (a model can be built instead). */
export async function prepareExportCommand(
  args: CliArgs,
  io: CliIo,
  overrides: readonly string[],
): Promise<CheckpointCommandSetup<string | undefined> | undefined> {
  const setup = await prepareCommand(args, io, 'export', overrides, 'export');
  if (setup === undefined) return undefined;
  const ckptPath = setup.config.ckpt_path;
  const checkpoint = ckptPath === null ? undefined : await checkpointDir(ckptPath, setup.runDir, io.cwd);
  return { ...setup, checkpoint };
}

async function prepareCommand(
  args: CliArgs,
  io: CliIo,
  command: string,
  overrides: readonly string[],
  node: string | undefined,
): Promise<Omit<CheckpointCommandSetup, 'checkpoint'> | undefined> {
  if (args.multirun) throw new ClsError('USAGE', '-m/--multirun is only for cls train');
  const registry = createBuiltinRegistry();
  const { composed, configDirs, trainingRun } = await composeCommandConfig(args, io, overrides, node, true);
  const warnings: string[] = [];
  const collect = (message: string): void => {
    warnings.push(message);
  };
  if (args.cfg !== undefined) io.stdout(printableConfig(composed, args.cfg, args.resolve, io.cwd));
  const unloadedPlugins = unloadedRunPlugins(trainingRun, composed.config, io.cwd);
  const { config, runDir } = await withRunPluginsHint(unloadedPlugins, () =>
    validatedRunConfig(composed, registry, io.cwd, new Set(), collect),
  );
  const logger = createLogger({ level: args.verbose || config.hydra.verbose ? 4 : 3 });
  for (const warning of warnings) logger.warn(warning);
  if (args.cfg !== undefined) return undefined;
  if (trainingRun !== undefined) {
    logger.info(`cls ${command}: data, model and seed from the training run's ${trainingRun.configFile}`);
  }
  if (unloadedPlugins.length > 0) logger.info(`cls ${command}: ${runPluginsHint(unloadedPlugins)}`);
  return { registry, config, composed, configDirs, runDir, trainingRun, unloadedPlugins, logger };
}

/**
 * The checkpoint's model for evaluation only, each BatchNormalization, ReLU and zero padding next to a conv folded
 * into it (one pass over the activations less for each); the caller disposes it.
 */
export async function loadInferenceModel(checkpoint: string): Promise<ClassifierModel> {
  const loaded = await loadCheckpointModel(checkpoint);
  try {
    return await foldForInference(loaded);
  } finally {
    loaded.dispose();
  }
}

/**
 * The head the checkpoint was trained with (`model.head` of its run; `linear` for runs from before heads). When it
 * is unknown and the run recorded plugins that were not loaded, the error says so.
 */
export async function checkpointHead(
  registry: PluginRegistry,
  state: TrainerState,
  logger: Logger,
  unloadedPlugins: readonly string[] = [],
): Promise<ModelHead> {
  const name = state.model.head;
  return withRunPluginsHint(unloadedPlugins, () =>
    registry.create('head', typeof name === 'string' ? name : 'linear', {}, { logger }),
  );
}

/** Runs `step`; a `ClsError` it throws gets the hint about the run's plugins that were not loaded, if any. */
async function withRunPluginsHint<T>(unloadedPlugins: readonly string[], step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (unloadedPlugins.length === 0 || !isClsError(error)) throw error;
    throw new ClsError(error.code, `${error.message}; ${runPluginsHint(unloadedPlugins)}`, { cause: error });
  }
}
