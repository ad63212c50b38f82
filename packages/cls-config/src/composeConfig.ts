import { ClsError } from '@nextplay/cls-core';
import { applyOverrides } from './applyOverrides.js';
import { ConfigRepository } from './configRepository.js';
import { mergeInto, wrapInPackage, type ConfigMap } from './configTree.js';
import { buildDefaults } from './defaultsTree.js';
import { rememberComposition } from './compositionInfo.js';
import { parseOverride, type Override } from './parseOverride.js';

export interface ComposeOptions {
  /** Searched in order; a file in a later directory replaces the same file in an earlier one. */
  readonly configDirs: readonly string[];
  /** The primary config, without `.yaml`: `train`. */
  readonly configName: string;
  /** Command-line overrides, Hydra syntax. */
  readonly overrides?: readonly string[];
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
}

/**
 * Composes a config the way Hydra 1.3 does: the primary config's defaults list (groups, `_self_`, `optional`,
 * experiments with `override /group: option`), then the command-line overrides, group choices first.
 */
export function composeConfig(options: ComposeOptions): ComposeResult {
  const now = new Date();
  const repository = new ConfigRepository(options.configDirs);
  const inputs = options.overrides ?? [];
  const parsed = inputs.map((input) => parseOverride(input));
  const groupOverrides: Override[] = [];
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
  const config = applyOverrides(composed, valueOverrides);

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
  };
  rememberComposition(config, { now, choices, configName: options.configName });
  return result;
}
