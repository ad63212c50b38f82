import { ClsError } from '@nextplay/cls-core';
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
  const result: ComposeResult = {
    config,
    overrides: {
      task: parsed.filter((override) => !isHydra(override)).map((override) => override.input),
      hydra: parsed.filter(isHydra).map((override) => override.input),
    },
    choices,
    configName: options.configName,
    now,
    addedKeys,
  };
  rememberComposition(config, { now, choices, configName: options.configName });
  return result;
}

/** A project config's `defaults` (group choices, below the command line's) apart from its values. */
function splitProjectConfig(project: ProjectConfig | undefined): { choices: Override[]; values: ConfigMap } {
  if (project === undefined) return { choices: [], values: {} };
  const { defaults, ...values } = project.config;
  if (defaults === undefined) return { choices: [], values };
  const entries = Array.isArray(defaults) ? defaults : [defaults];
  const choices = entries.map((entry) => {
    const pair = isConfigMap(entry) ? Object.entries(entry) : [];
    const [first] = pair;
    const option = first?.[1];
    if (
      first === undefined ||
      pair.length !== 1 ||
      !(option === null || ['string', 'number', 'boolean'].includes(typeof option))
    ) {
      throw new ClsError(
        'CONFIG_INVALID',
        `${project.file}: defaults entries must be "group: option" pairs (got ${JSON.stringify(entry)})`,
      );
    }
    const parsed = parseOverride(`${first[0]}=${formatOverrideValue(option)}`);
    return { ...parsed, input: `${project.file}: ${parsed.input}` };
  });
  return { choices, values };
}
