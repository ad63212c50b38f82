import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cloneTree, isConfigMap, type ConfigMap } from './configTree.js';
import { toYaml } from './toYaml.js';

/** What Hydra records about a run next to its config. */
export interface RunHydraInfo {
  /** `hydra.run.dir` as resolved; defaults to the directory written to. */
  readonly runDir?: string;
  readonly choices: Readonly<Record<string, string | null>>;
  readonly configName: string;
  /** `hydra.runtime.version`: the version of the tool that ran (e.g. the cls CLI). */
  readonly version?: string;
  /** `hydra.runtime.output_dir` (absolute) and `hydra.runtime.cwd`. */
  readonly outputDir?: string;
  readonly cwd?: string;
  /** The config directories composition searched, in order. */
  readonly configDirs?: readonly string[];
}

export interface RunRecord {
  /**
   * The composed config, its interpolations unresolved as Hydra records them: `${hydra:runtime.output_dir}` stays
   * as written, so the same overrides recompose the same file in any run directory. Its `hydra` node goes to
   * hydra.yaml, the rest to config.yaml.
   */
  readonly config: Readonly<Record<string, unknown>>;
  readonly overrides: { readonly task: readonly string[]; readonly hydra?: readonly string[] };
  readonly hydra: RunHydraInfo;
}

export interface RunConfigFiles {
  readonly config: string;
  readonly overrides: string;
  readonly hydra: string;
}

/**
 * Writes `<runDir>/.hydra/config.yaml` (the config without its `hydra` node), `overrides.yaml` (the task
 * overrides, which recompose the same config) and `hydra.yaml` (the `hydra` node plus run facts), as Hydra does.
 */
export function writeRunConfig(runDir: string, record: RunRecord): RunConfigFiles {
  const directory = join(runDir, '.hydra');
  mkdirSync(directory, { recursive: true });
  const { hydra: hydraNode, ...task } = record.config;
  const files: RunConfigFiles = {
    config: join(directory, 'config.yaml'),
    overrides: join(directory, 'overrides.yaml'),
    hydra: join(directory, 'hydra.yaml'),
  };
  writeFileSync(files.config, toYaml(task));
  writeFileSync(files.overrides, toYaml([...record.overrides.task]));
  writeFileSync(files.hydra, toYaml({ hydra: hydraRecord(runDir, hydraNode, record) }));
  return files;
}

function hydraRecord(runDir: string, hydraNode: unknown, record: RunRecord): ConfigMap {
  const info = record.hydra;
  const own: ConfigMap = isConfigMap(hydraNode) ? cloneTree(hydraNode) : {};
  const run = isConfigMap(own.run) ? own.run : {};
  const defined = <T extends ConfigMap>(map: T): T =>
    Object.fromEntries(Object.entries(map).filter(([, value]) => value !== undefined)) as T;
  return {
    ...own,
    run: { ...run, dir: info.runDir ?? runDir },
    overrides: { hydra: [...(record.overrides.hydra ?? [])], task: [...record.overrides.task] },
    job: { ...(isConfigMap(own.job) ? own.job : {}), name: info.configName, config_name: info.configName },
    runtime: defined({
      version: info.version,
      cwd: info.cwd,
      output_dir: info.outputDir,
      config_sources: info.configDirs?.map((path) => ({ path, schema: 'file' })),
      choices: { ...info.choices },
    }),
  };
}
