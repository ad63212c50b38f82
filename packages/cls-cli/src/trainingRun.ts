import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ClsError, isClsError } from '@nextplay/cls-core';
import { parseYaml, resolveConfig, type ConfigMap } from '@nextplay/cls-config';
import { readRunFile } from './readRunFile.js';

/** A training run's directory and the config it recorded in `.hydra/`. */
export interface TrainingRun {
  readonly dir: string;
  /** `<dir>/.hydra/config.yaml`. */
  readonly configFile: string;
  /** The recorded config without its `hydra` node, resolved as it was for the run. */
  readonly config: ConfigMap;
  /** The working directory the run was started from (`hydra.runtime.cwd`), which its relative paths start at. */
  readonly cwd: string | undefined;
}

/**
 * Nodes a checkpoint command takes from the training run unless the command line picks the group itself. Never
 * `plugins`: a run folder may come from someone else, and only plugins named on the command line are code to run.
 */
export const INHERITED_NODES = ['data', 'transforms', 'model', 'seed'] as const;

/**
 * The training run `cls test|predict|export` work on, as Lightning's `trainer.test(ckpt_path="best")` uses the
 * trainer's own data: the run directory given (`hydra.run.dir`), or the run a checkpoint directory lies in
 * (`<run>/checkpoints/<name>`). Undefined when neither has a recorded `.hydra/config.yaml`.
 */
export function findTrainingRun(
  runDir: string | undefined,
  ckptPath: string | undefined,
  cwd: string,
): TrainingRun | undefined {
  const candidates: string[] = [];
  if (runDir !== undefined) candidates.push(runDir);
  if (ckptPath !== undefined && ckptPath !== 'best' && ckptPath !== 'last') {
    const checkpoint = resolve(cwd, ckptPath);
    if (basename(dirname(checkpoint)) === 'checkpoints') candidates.push(dirname(dirname(checkpoint)));
  }
  for (const dir of candidates) {
    const configFile = join(dir, '.hydra', 'config.yaml');
    if (existsSync(configFile)) return readTrainingRun(dir, configFile);
  }
  return undefined;
}

function readTrainingRun(dir: string, configFile: string): TrainingRun {
  const recorded = readYamlMap(configFile);
  const hydraFile = join(dir, '.hydra', 'hydra.yaml');
  const hydra = existsSync(hydraFile) ? readYamlMap(hydraFile).hydra : undefined;
  const runtime = isMap(hydra) ? hydra.runtime : undefined;
  const runCwd = isMap(runtime) && typeof runtime.cwd === 'string' ? runtime.cwd : undefined;
  // config.yaml keeps its interpolations, as Hydra's does: resolve them as they were for the run.
  let resolved: ConfigMap;
  try {
    resolved = resolveConfig(isMap(hydra) ? { ...recorded, hydra } : recorded, {
      outputDir: isMap(runtime) && typeof runtime.output_dir === 'string' ? runtime.output_dir : dir,
      cwd: runCwd ?? dir,
      ...(isMap(runtime) && isMap(runtime.choices)
        ? { choices: runtime.choices as Record<string, string | null> }
        : {}),
    });
  } catch (error) {
    if (!isClsError(error)) throw error;
    throw new ClsError(error.code, `${configFile}: ${error.message}`, { cause: error });
  }
  const { hydra: _hydra, ...config } = resolved;
  return { dir, configFile, config, cwd: runCwd };
}

/**
 * The nodes of `run` a command inherits: those of `INHERITED_NODES` the run has, less `skip` (groups chosen on the
 * command line). A relative `data.root` is made absolute from the run's working directory.
 */
export function inheritedNodes(run: TrainingRun, skip: readonly string[]): ConfigMap {
  const nodes: ConfigMap = {};
  for (const key of INHERITED_NODES) {
    if (key in run.config && !skip.includes(key)) nodes[key] = run.config[key];
  }
  const data = nodes.data;
  if (isMap(data) && typeof data.root === 'string' && !isAbsolute(data.root) && run.cwd !== undefined) {
    nodes.data = { ...data, root: resolve(run.cwd, data.root) };
  }
  return nodes;
}

/**
 * The `plugins` the training run recorded, as a command line in `cwd` would name them (a relative path from the
 * run's working directory made absolute when that is another directory). They are not loaded from the run.
 */
export function recordedPlugins(run: TrainingRun, cwd: string): string[] {
  const plugins = run.config.plugins;
  if (!Array.isArray(plugins)) return [];
  return plugins
    .filter((plugin): plugin is string => typeof plugin === 'string')
    .map((plugin) =>
      plugin.startsWith('.') && run.cwd !== undefined && resolve(run.cwd) !== resolve(cwd)
        ? resolve(run.cwd, plugin)
        : plugin,
    );
}

function readYamlMap(file: string): ConfigMap {
  const parsed = parseYaml(readRunFile(file), file);
  if (!isMap(parsed)) throw new ClsError('CONFIG_PARSE', `${file}: expected a mapping of keys to values`);
  return parsed;
}

function isMap(value: unknown): value is ConfigMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
