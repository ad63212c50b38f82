import {
  ClsConfigSchema,
  ClsError,
  DataConfigSchema,
  ModelConfigSchema,
  OptimizerConfigSchema,
  SchedulerConfigSchema,
  suggest,
  type ClsConfig,
  type JsonSchema,
  type PluginKind,
  type PluginRegistry,
} from '@nextplay/cls-core';
import { Ajv, type ValidateFunction } from 'ajv';
import { cloneTree, isConfigMap, type ConfigMap } from './configTree.js';
import { deepFreeze } from './deepFreeze.js';
import { formatValue } from './formatValue.js';
import type { ValueSource } from './composeConfig.js';
import { closedNested } from './closedSchema.js';
import { isClaimedKey, isOpenNode } from './schemaClaims.js';
import { joinPath, problemsFromAjv, unknownKeyMessage, type ConfigProblem } from './schemaProblems.js';

export interface CheckResult {
  /** The validated config, plugin defaults filled in, deeply frozen; absent when there are errors. */
  readonly config?: ClsConfig;
  readonly errors: readonly ConfigProblem[];
  /** Keys kept although no schema uses them (added with `+`), one problem each. */
  readonly warnings: readonly ConfigProblem[];
}

export interface CheckOptions {
  /** `ComposeResult.addedKeys`: keys `+` added that no schema claims, kept (with a warning) instead of refused. */
  readonly addedKeys?: readonly string[];
  /** `ComposeResult.sources`: a problem at (or under, or above) one of their keys names the file it came from. */
  readonly sources?: readonly ValueSource[];
}

/** A config node that a plugin is created from. */
interface PluginNode {
  readonly path: readonly string[];
  readonly kind: PluginKind;
  /** The key naming the plugin (`model.arch`); absent when the node's own key is the name (`callbacks.<name>`). */
  readonly nameKey: string | undefined;
  readonly name: string;
  readonly node: ConfigMap;
  /** Keys cls-core's schema already defines for this node. */
  readonly baseKeys: readonly string[];
}

// Plugin schemas come from third parties: unknown keywords are tolerated rather than fatal (strict: false).
const ajv = new Ajv({ useDefaults: true, allErrors: true, verbose: true, strict: false });
let baseValidator: ValidateFunction | undefined;

/**
 * Checks a resolved config against cls-core's schema and each plugin node against its plugin's options schema
 * (filling the plugins' defaults), and reports every problem. Works on a copy.
 */
export function checkConfig(
  resolved: unknown,
  registry: PluginRegistry,
  options: CheckOptions = {},
): CheckResult {
  const config: unknown = cloneTree(resolved);
  const { kept, warnings } = setAsideAddedKeys(config, options.addedKeys ?? []);
  baseValidator ??= ajv.compile(ClsConfigSchema);
  const errors: ConfigProblem[] = [];
  if (isConfigMap(config) && isConfigMap(config.data) && 'augment' in config.data) {
    errors.push({
      path: 'data.augment',
      message:
        'augmentations moved to the transforms group: pick one with transforms=default|jersey|randaugment|trivialaugment|none, or list them as transforms.train=[{random_rotation: {degrees: 5}}, ...]',
    });
    delete config.data.augment;
  }
  if (!baseValidator(config)) errors.push(...problemsFromAjv(baseValidator.errors ?? [], []));
  if (isConfigMap(config)) {
    for (const node of pluginNodes(config)) errors.push(...checkPluginNode(node, registry));
  }
  if (errors.length > 0) return { errors, warnings };
  return { config: deepFreeze({ ...(config as ClsConfig), ...kept }), errors, warnings };
}

/**
 * `checkConfig`, throwing one `CONFIG_INVALID` error whose message lists every problem, `; `-separated. Keys `+`
 * added that no schema claims are kept; `warn` hears about each.
 */
export function validateConfig(
  resolved: unknown,
  registry: PluginRegistry,
  options: CheckOptions & { readonly warn?: (message: string) => void } = {},
): ClsConfig {
  const { config, errors, warnings } = checkConfig(resolved, registry, options);
  if (config === undefined) {
    const lines = errors.map(({ path, message }) => {
      const line = path === '' ? message : `${path}: ${message}`;
      const source = options.sources?.find(({ keys }) => keys.some((key) => related(key, path)));
      return source === undefined ? line : `${line} (set in ${source.file})`;
    });
    throw new ClsError('CONFIG_INVALID', lines.join('; '));
  }
  for (const { path, message } of warnings) options.warn?.(`${path}: ${message}`);
  return config;
}

function related(key: string, path: string): boolean {
  return path !== '' && (key === path || key.startsWith(`${path}.`) || path.startsWith(`${key}.`));
}

/** Takes the top-level nodes of `addedKeys` out of `config` (in place) so the closed root schema does not see them. */
function setAsideAddedKeys(
  config: unknown,
  addedKeys: readonly string[],
): { kept: ConfigMap; warnings: ConfigProblem[] } {
  const kept: ConfigMap = {};
  const warnings: ConfigProblem[] = [];
  if (!isConfigMap(config)) return { kept, warnings };
  for (const key of addedKeys) {
    const [top = ''] = key.split('.');
    if (isClaimedKey(key) || !(top in config || top in kept)) continue;
    // Under an open node (`hydra`, `paths`) the key stays where it is: the node's schema takes any key.
    if (isOpenNode(top)) continue;
    if (!(top in kept)) {
      kept[top] = config[top];
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the key set aside is the one the user added
      delete config[top];
    }
    warnings.push({
      path: key,
      message:
        'added with +, used by no schema: kept as given in the run config (check the spelling if cls should use it)',
    });
  }
  return { kept, warnings };
}

/**
 * Checks a plugin node that lives outside the places `checkConfig` knows (such as `hydra.launcher`) against its
 * plugin's options schema: `nameKey` names the plugin. Returns a frozen copy with the plugin's defaults filled.
 */
export function validatePluginNode(
  node: unknown,
  where: { readonly path: string; readonly kind: PluginKind; readonly nameKey: string },
  registry: PluginRegistry,
): Readonly<ConfigMap> {
  const { path, kind, nameKey } = where;
  const copy: unknown = cloneTree(node);
  if (!isConfigMap(copy) || typeof copy[nameKey] !== 'string') {
    throw new ClsError(
      'CONFIG_INVALID',
      `${path}: must be a map naming a ${kind} plugin in ${nameKey} (got ${formatValue(node)})`,
    );
  }
  const problems = checkPluginNode(
    { path: path.split('.'), kind, nameKey, name: copy[nameKey], node: copy, baseKeys: [nameKey] },
    registry,
  );
  if (problems.length > 0) {
    throw new ClsError(
      'CONFIG_INVALID',
      problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '),
    );
  }
  return deepFreeze(copy);
}

function pluginNodes(config: ConfigMap): PluginNode[] {
  const nodes: PluginNode[] = [];
  const named = (
    key: string,
    kind: PluginKind,
    nameKey: string,
    baseSchema: { properties: object },
  ): void => {
    const node = config[key];
    if (!isConfigMap(node) || typeof node[nameKey] !== 'string') return;
    nodes.push({
      path: [key],
      kind,
      nameKey,
      name: node[nameKey],
      node,
      baseKeys: Object.keys(baseSchema.properties),
    });
  };
  const keyed = (path: readonly string[], parent: unknown, kind: PluginKind): void => {
    if (!isConfigMap(parent)) return;
    for (const [name, node] of Object.entries(parent)) {
      if (isConfigMap(node))
        nodes.push({ path: [...path, name], kind, nameKey: undefined, name, node, baseKeys: [] });
    }
  };
  named('data', 'dataset', 'name', DataConfigSchema);
  if (isConfigMap(config.transforms)) {
    for (const list of ['train', 'eval', 'batch']) {
      const steps = config.transforms[list];
      if (!Array.isArray(steps)) continue;
      steps.forEach((step: unknown, index) => {
        if (!isConfigMap(step)) return;
        // `- horizontal_flip:` (null options) takes the plugin's defaults.
        for (const [name, value] of Object.entries(step)) if (value === null) step[name] = {};
        keyed(['transforms', list, String(index)], step, 'transform');
      });
    }
  }
  named('model', 'model', 'arch', ModelConfigSchema);
  // `model.head` names a head plugin; heads take no options of their own.
  if (isConfigMap(config.model) && typeof config.model.head === 'string') {
    const name = config.model.head;
    nodes.push({ path: ['model', 'head'], kind: 'head', nameKey: undefined, name, node: {}, baseKeys: [] });
  }
  named('optimizer', 'optimizer', 'name', OptimizerConfigSchema);
  named('scheduler', 'scheduler', 'name', SchedulerConfigSchema);
  keyed(['callbacks'], config.callbacks, 'callback');
  return nodes;
}

function checkPluginNode(plugin: PluginNode, registry: PluginRegistry): ConfigProblem[] {
  const { path, kind, name, node, baseKeys } = plugin;
  if (!registry.has(kind, name)) {
    const names = registry.names(kind);
    const [close] = suggest(name, names);
    const available = names.length > 0 ? names.join(', ') : 'none registered';
    return [
      {
        path: joinPath(path, plugin.nameKey === undefined ? [] : [plugin.nameKey]),
        message: `no ${kind} plugin named "${name}" (${close === undefined ? '' : `did you mean ${close}? `}available: ${available})`,
      },
    ];
  }
  const schema: JsonSchema = registry.get(kind, name).optionsSchema;
  const properties = isConfigMap(schema.properties) ? Object.keys(schema.properties) : [];
  // Closed unless the plugin says otherwise (`additionalProperties: true` or a schema): a typo never passes silently.
  const closed =
    schema.additionalProperties === false ||
    (schema.additionalProperties === undefined && schema.patternProperties === undefined);
  const problems: ConfigProblem[] = [];
  const options: ConfigMap = {};
  for (const [key, value] of Object.entries(node)) {
    if (properties.includes(key) || (!closed && !baseKeys.includes(key))) options[key] = value;
    else if (!baseKeys.includes(key)) {
      problems.push({
        path: joinPath(path, [key]),
        message: unknownKeyMessage(key, [...baseKeys, ...properties], value),
      });
    }
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(closedNested(schema));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [
      ...problems,
      {
        path: joinPath(path, []),
        message: `${kind} plugin "${name}" has an invalid optionsSchema: ${reason}`,
      },
    ];
  }
  if (!validate(options)) problems.push(...problemsFromAjv(validate.errors ?? [], path));
  // Defaults ajv filled in join the node after the keys it already had.
  Object.assign(node, options);
  return problems;
}
