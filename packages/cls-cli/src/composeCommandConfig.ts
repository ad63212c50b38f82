import { resolve } from 'node:path';
import {
  composeConfig,
  parseOverride,
  resolveKey,
  resolveRunDir,
  type ComposeResult,
} from '@nextplay/cls-config';
import type { CliArgs } from './cliArgs.js';
import type { CliIo } from './cliIo.js';
import { configSearchPath } from './configDirs.js';
import { findTrainingRun, inheritedNodes, type TrainingRun } from './trainingRun.js';
import { loadProjectDefaults } from './loadProjectDefaults.js';

export interface CommandConfig {
  readonly composed: ComposeResult;
  readonly configDirs: string[];
  /** The training run whose recorded `data`, `transforms`, `model` and `seed` the config starts from, if any. */
  readonly trainingRun: TrainingRun | undefined;
}

/**
 * Composes a command's run config as `cls train` does (primary config, project defaults, overrides), adding the
 * command's own config group `<node>=default` (e.g. `predict`) unless the primary config or an override has it.
 * With `inherit` (test, predict, export), the training run named by `hydra.run.dir`, or holding the `ckpt_path`
 * directory, lends its recorded `data`, `transforms`, `model` and `seed` (the command line still wins; never its
 * `plugins`, which are code), and a checkpoint inside a run makes that run the run directory.
 */
export async function composeCommandConfig(
  args: CliArgs,
  io: CliIo,
  overrides: readonly string[],
  node?: string,
  inherit = false,
): Promise<CommandConfig> {
  const configDirs = configSearchPath(io.cwd, args.configDir, args.configPath);
  const projectConfig = await loadProjectDefaults(io.cwd, args);
  const options = {
    configDirs,
    configName: args.configName,
    ...(projectConfig === undefined ? {} : { projectConfig }),
  };
  let inputs = [...overrides];
  if (node !== undefined) {
    const probe = composeConfig({ ...options, overrides: inputs.filter(isGroupChoice) });
    const present = node in probe.config || inputs.some((o) => new RegExp(`^\\+{0,2}${node}=`).test(o));
    if (!present) inputs = [`+${node}=default`, ...inputs];
  }
  const composed = composeConfig({ ...options, overrides: inputs });
  if (!inherit) return { composed, configDirs, trainingRun: undefined };

  const keys = inputs.map((input) => parseOverride(input).key);
  const runDirGiven = keys.includes('hydra.run.dir') || keys.includes('hydra.run');
  const ckptPath = resolveKey(composed.config, 'ckpt_path', { cwd: io.cwd });
  const trainingRun = findTrainingRun(
    runDirGiven ? resolveRunDirFrom(composed, io.cwd) : undefined,
    typeof ckptPath === 'string' ? ckptPath : undefined,
    io.cwd,
  );
  if (trainingRun === undefined) return { composed, configDirs, trainingRun };
  // A group chosen on the command line (data=mnist, experiment=x) is the user's, not the run's.
  const chosen = keys.filter((key) => !key.includes('.'));
  const skip = chosen.includes('experiment') ? ['data', 'model'] : chosen;
  return {
    composed: composeConfig({
      ...options,
      inheritedNodes: inheritedNodes(trainingRun, skip),
      overrides: runDirGiven ? inputs : [...inputs, `hydra.run.dir=${trainingRun.dir}`],
    }),
    configDirs,
    trainingRun,
  };
}

function resolveRunDirFrom(composed: ComposeResult, cwd: string): string {
  return resolve(cwd, resolveRunDir(composed.config, { cwd }));
}

/** Overrides that pick a config group option (`model=resnet50`), not values (`predict.input=x`). */
function isGroupChoice(override: string): boolean {
  const key = override.slice(0, override.indexOf('=')).replace(/^[+~]+/, '');
  return override.includes('=') && !key.includes('.') && !override.startsWith('~');
}
