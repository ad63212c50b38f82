import { ClsError, suggest } from '@nextplay/cls-core';
import { applyOverrides } from './applyOverrides.js';
import { ConfigRepository } from './configRepository.js';
import {
  cloneTree,
  isConfigMap,
  lookup,
  mergeInto,
  splitKeyPath,
  wrapInPackage,
  type ConfigMap,
} from './configTree.js';
import { parseDefaultsEntry } from './defaultsEntry.js';
import { buildDefaults } from './defaultsTree.js';
import { rememberComposition } from './compositionInfo.js';
import { formatOverrideValue } from './formatOverrideValue.js';
import { parseOverride, type Override } from './parseOverride.js';
import type { ProjectConfig } from './projectConfig.js';
import { isClaimedKey } from './schemaClaims.js';

export interface ComposeOptions {
  /** Searched in order; a file in a later directory replaces the same file in an earlier one. */
  readonly configDirs: readonly string[];
  /** The primary config, without `.yaml`: `train`. */
  readonly configName: string;
  /** Command-line overrides, Hydra syntax. */
  readonly overrides?: readonly string[];
  /**
   * Project defaults (see `loadProjectConfig`), merged over the composed config before the command-line
   * overrides. Its `defaults` list (`- model: resnet50`) chooses group options the command line may still change.
   */
  readonly projectConfig?: ProjectConfig;
  /** The timestamp `${now:...}` uses; a multirun gives all its jobs the same one. Defaults to now. */
  readonly now?: Date;
  /**
   * Top-level nodes that replace the composed ones whole, after the project config and before the command-line
   * value overrides: `cls test` takes `data` and `model` from the training run's recorded config.
   */
  readonly inheritedNodes?: Readonly<ConfigMap>;
}

export interface ComposeResult {
  /** The composed config, interpolations and `???` still unresolved (see `resolveRunDir`, `resolveConfig`). */
  readonly config: ConfigMap;
  /** The overrides as given: `hydra.*` ones apart, as Hydra's `hydra.overrides.task` / `.hydra`. */
  readonly overrides: { readonly task: string[]; readonly hydra: string[] };
  /** `hydra.runtime.choices`: group → option (null = none), e.g. `{ model: 'resnet18', experiment: null }`. */
  readonly choices: Record<string, string | null>;
  readonly configName: string;
  /** The one timestamp every `${now:...}` of this composition uses. */
  readonly now: Date;
  /**
   * Keys that `+key=value`/`++key=value` added and no schema claims (see `isClaimedKey`): validation keeps them
   * with a warning instead of refusing them as unknown.
   */
  readonly addedKeys: string[];
  /**
   * Where values that no command-line override replaced came from: the project config file and its dotted leaf
   * keys, so a validation error caused by it can name the file (see `validateConfig`'s `sources`).
   */
  readonly sources: ValueSource[];
  /** The project config file composition applied, if any. */
  readonly projectConfigFile: string | undefined;
}

/** A file and the dotted keys whose values in the composed config are its. */
export interface ValueSource {
  readonly file: string;
  readonly keys: readonly string[];
}

/**
 * Composes a config the way Hydra 1.3 does: the primary config's defaults list (groups, `_self_`, `optional`,
 * experiments with `override /group: option`), then the command-line overrides, group choices first.
 */
export function composeConfig(options: ComposeOptions): ComposeResult {
  const now = options.now ?? new Date();
  const repository = new ConfigRepository(options.configDirs);
  const inputs = options.overrides ?? [];
  const parsed = inputs.map((input) => parseOverride(input));
  const sweep = parsed.find((override) => override.sweep !== undefined);
  if (sweep !== undefined) {
    throw new ClsError(
      'OVERRIDE_INVALID',
      `${sweep.input}: sweeps over several values; add -m (--multirun) to run one job per value`,
    );
  }
  const { choices: projectChoices, values: projectValues } = splitProjectConfig(options.projectConfig);
  const groupOverrides: Override[] = [...projectChoices];
  const valueOverrides: Override[] = [];
  for (const override of parsed) {
    (repository.groupExists(override.key) ? groupOverrides : valueOverrides).push(override);
  }
  const notGroups = valueOverrides.filter((override) => override.key.includes('/'));
  if (notGroups.length > 0) {
    // `a/b=x` names a config group, as in Hydra; it is never a key of the config.
    const groups = Object.keys(repository.groups());
    throw new ClsError(
      'OVERRIDE_INVALID',
      notGroups
        .map(({ key }) => {
          const [close] = suggest(key, groups);
          return `${key}: no such config group (${close === undefined ? `groups: ${groups.join(', ')}` : `did you mean ${close}?`})`;
        })
        .join('; '),
    );
  }

  const primary = repository.load(options.configName);
  if (primary === undefined) {
    const where = repository.dirs.length > 0 ? repository.dirs.join(', ') : options.configDirs.join(', ');
    throw new ClsError(
      'CONFIG_NOT_FOUND',
      `config ${options.configName}.yaml not found in ${where || '(no config dirs)'}`,
    );
  }
  const { steps, choices } = buildDefaults(repository, primary, groupOverrides);
  const composed: ConfigMap = {};
  for (const step of steps) mergeInto(composed, wrapInPackage(step.content, step.package));
  mergeInto(composed, projectValues);
  for (const [key, node] of Object.entries(options.inheritedNodes ?? {})) composed[key] = cloneTree(node);
  const config = applyOverrides(composed, valueOverrides);
  const addedKeys = valueOverrides
    .filter((override) => override.type === 'add' || override.type === 'force_add')
    .filter((override) => !isClaimedKey(override.key) && !lookup(composed, splitKeyPath(override.key)).found)
    .map((override) => override.key);

  const isHydra = (override: Override): boolean => /^hydra(?:$|[./])/.test(override.key);
  const taskOverrides = parsed.filter((override) => !isHydra(override));
  recordOverrideDirname(config, taskOverrides);
  const result: ComposeResult = {
    config,
    overrides: {
      task: taskOverrides.map((override) => override.input),
      hydra: parsed.filter(isHydra).map((override) => override.input),
    },
    choices,
    configName: options.configName,
    now,
    addedKeys,
    sources: projectSources(options.projectConfig, projectValues, valueOverrides),
    projectConfigFile: options.projectConfig?.file,
  };
  rememberComposition(config, { now, choices, configName: options.configName });
  return result;
}

/**
 * Hydra's `hydra.job.override_dirname`: the task overrides, sorted, as `key=value` joined by `,` (or
 * `hydra.job.config.override_dirname.kv_sep` / `item_sep`), less the keys in its `exclude_keys`; the usual
 * `hydra.sweep.subdir` of sweep scripts. A value the config sets itself is kept.
 */
function recordOverrideDirname(config: ConfigMap, overrides: readonly Override[]): void {
  const hydra = config.hydra;
  if (!isConfigMap(hydra)) return;
  const job = isConfigMap(hydra.job) ? hydra.job : (hydra.job = {});
  if (job.override_dirname !== undefined) return;
  const settings = lookup(job, ['config', 'override_dirname']);
  const setting = (key: string): unknown =>
    settings.found && isConfigMap(settings.value) ? settings.value[key] : undefined;
  const kvSep = typeof setting('kv_sep') === 'string' ? (setting('kv_sep') as string) : '=';
  const itemSep = typeof setting('item_sep') === 'string' ? (setting('item_sep') as string) : ',';
  const excluded = setting('exclude_keys');
  const exclude = new Set(Array.isArray(excluded) ? excluded.map(String) : []);
  const items = overrides
    .filter((override) => !exclude.has(override.key))
    .map((override) => {
      const at = override.input.indexOf('=');
      return at === -1
        ? override.input
        : `${override.input.slice(0, at)}${kvSep}${override.input.slice(at + 1)}`;
    })
    .sort();
  job.override_dirname = items.join(itemSep);
}

/** The project config's leaf keys that no command-line value override touched. */
function projectSources(
  project: ProjectConfig | undefined,
  values: ConfigMap,
  overrides: readonly Override[],
): ValueSource[] {
  if (project === undefined) return [];
  const related = (a: string, b: string): boolean =>
    a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
  const keys = leafKeys(values).filter((key) => !overrides.some((override) => related(key, override.key)));
  return keys.length === 0 ? [] : [{ file: project.file, keys }];
}

function leafKeys(map: ConfigMap, prefix = ''): string[] {
  return Object.entries(map).flatMap(([key, value]) =>
    isConfigMap(value) && Object.keys(value).length > 0
      ? leafKeys(value, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

/**
 * A project config's `defaults` (group choices, below the command line's) apart from its values. Entries are
 * `group: option` or Hydra's `override /group: option`; `_self_` is accepted and means nothing here.
 */
function splitProjectConfig(project: ProjectConfig | undefined): { choices: Override[]; values: ConfigMap } {
  if (project === undefined) return { choices: [], values: {} };
  const { defaults, ...values } = project.config;
  if (defaults === undefined) return { choices: [], values };
  const entries = Array.isArray(defaults) ? defaults : [defaults];
  const choices: Override[] = [];
  for (const raw of entries) {
    const entry = isConfigMap(raw) || raw === '_self_' ? parseDefaultsEntry(raw, project.file) : undefined;
    if (entry?.kind === 'self') continue;
    if (entry?.kind !== 'group') {
      throw new ClsError(
        'CONFIG_INVALID',
        `${project.file}: defaults entries must be "group: option" pairs or "override /group: option" (got ${JSON.stringify(raw)})`,
      );
    }
    const group = entry.group.replace(/^\//, '');
    const key = entry.package === undefined ? group : `${group}@${entry.package}`;
    const parsed = parseOverride(`${key}=${formatOverrideValue(entry.option)}`);
    choices.push({ ...parsed, input: `${project.file}: ${parsed.input}`, file: project.file });
  }
  return { choices, values };
}
