import { ClsError, suggest } from '@nextplay/cls-core';
import {
  childKeys,
  childOf,
  cloneTree,
  isConfigMap,
  isContainer,
  listIndex,
  lookup,
  mergeInto,
  splitKeyPath,
  type ConfigMap,
  type Lookup,
} from './configTree.js';
import { formatValue } from './formatValue.js';
import { parseOverride, type Override } from './parseOverride.js';
import { isClaimedKey, isOptionalTopLevelKey } from './schemaClaims.js';
import { retiredKeyMessage } from './retiredKeys.js';

/**
 * Applies value overrides (`a.b=v`, `+a.b=v`, `++a.b=v`, `~a.b`) in order to a copy of `config`, with Hydra's
 * rules: a plain `a.b=v` must name an existing key; a map value merges into an existing map.
 * Config-group overrides (`model=resnet50`) are composition, not values: pass them to `composeConfig`.
 * Every override that cannot apply is named in one error, `; `-separated.
 */
export function applyOverrides(
  config: Readonly<ConfigMap>,
  overrides: readonly (Override | string)[],
): ConfigMap {
  const result = cloneTree(config) as ConfigMap;
  const problems: string[] = [];
  for (const override of overrides) {
    try {
      applyOverride(result, typeof override === 'string' ? parseOverride(override) : override);
    } catch (error) {
      if (!(error instanceof ClsError) || error.code !== 'OVERRIDE_INVALID') throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new ClsError('OVERRIDE_INVALID', problems.join('; '));
  return result;
}

function applyOverride(root: ConfigMap, override: Override): void {
  const fail = (message: string): ClsError => new ClsError('OVERRIDE_INVALID', message);
  const { key, input } = override;
  if (override.package !== undefined) {
    throw fail(`${input}: @${override.package} applies only to config groups, and ${key} is not one`);
  }
  const path = splitKeyPath(key);
  const found = lookup(root, path);
  switch (override.type) {
    case 'change':
      if (!found.found) throw fail(missingKeyToChange(override, path, found));
      setValue(root, path, override, false);
      return;
    case 'add':
      if (found.found && found.value !== null && !isContainer(override.value)) {
        throw fail(
          `${key}: already set (to ${formatValue(found.value)}); use ${input.slice(1)} to change it or +${input} to add or change it`,
        );
      }
      setValue(root, path, override, true);
      return;
    case 'force_add':
      setValue(root, path, override, true);
      return;
    case 'delete':
      if (!found.found) throw fail(`${missingKey(key, path, found)}; nothing to delete`);
      if (override.hasValue && JSON.stringify(found.value) !== JSON.stringify(override.value)) {
        throw fail(
          `${input}: ${key} is ${formatValue(found.value)}, not ${formatValue(override.value)}; nothing deleted`,
        );
      }
      deleteValue(root, path);
      return;
  }
}

/**
 * Why `a.b=v` cannot change a key that does not exist, and only advice that works: the closest existing key, else
 * `+a.b=v` when no schema claims the key (Hydra adds it), else the keys there are.
 */
function missingKeyToChange(
  override: Override,
  path: readonly string[],
  found: Exclude<Lookup, { found: true }>,
): string {
  const retired = retiredKeyMessage(override.key, path);
  if (retired !== undefined) return retired;
  // A key the schema defines but the composed config leaves out (`tags`) is added with +, as Hydra says.
  if (path.length === 1 && isOptionalTopLevelKey(override.key)) {
    return `${override.key}: not in the config; use +${override.input} to add it`;
  }
  const message = missingKey(override.key, path, found);
  if (message.endsWith('?)')) return message;
  if (!isClaimedKey(override.key)) return `${message}; use +${override.input} to add it`;
  const keys = childKeys(found.parent);
  return isConfigMap(found.parent) && keys.length > 0
    ? `${message}; ${path.slice(0, found.depth).join('.') || 'the config'} has ${keys.join(', ')}`
    : message;
}

/** `trainer.max_epoch: no such key (did you mean trainer.max_epochs?)` */
function missingKey(key: string, path: readonly string[], found: Exclude<Lookup, { found: true }>): string {
  const parentKey = path.slice(0, found.depth).join('.');
  if (Array.isArray(found.parent)) {
    return `${key}: no such item (${parentKey} has ${found.parent.length} items)`;
  }
  if (!isConfigMap(found.parent)) {
    return `${key}: no such key (${parentKey} is ${formatValue(found.parent)}, not a map)`;
  }
  const [close] = suggest(path[found.depth] ?? '', childKeys(found.parent));
  if (close === undefined) return `${key}: no such key`;
  const corrected = [...path.slice(0, found.depth), close, ...path.slice(found.depth + 1)].join('.');
  return `${key}: no such key (did you mean ${corrected}?)`;
}

function setValue(root: ConfigMap, path: readonly string[], override: Override, create: boolean): void {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1] ?? '';
  let container: unknown = root;
  for (const [depth, segment] of parentPath.entries()) {
    const child = childOf(container, segment);
    if (child.found && isContainer(child.value)) {
      container = child.value;
    } else if (!child.found && create && isConfigMap(container)) {
      const created: ConfigMap = {};
      container[segment] = created;
      container = created;
    } else {
      const where = path.slice(0, depth + 1).join('.');
      throw new ClsError(
        'OVERRIDE_INVALID',
        `${override.input}: ${where} is ${formatValue(child.value)}, not a map, so ${override.key} cannot be set`,
      );
    }
  }
  const value = cloneTree(override.value);
  if (Array.isArray(container)) {
    const index = listIndex(container, last);
    if (index === undefined) {
      throw new ClsError('OVERRIDE_INVALID', `${override.input}: ${override.key} is not an item of the list`);
    }
    container[index] = value;
    return;
  }
  const map = container as ConfigMap;
  const existing = map[last];
  if (isConfigMap(existing) && isConfigMap(value)) mergeInto(existing, value);
  else map[last] = value;
}

function deleteValue(root: ConfigMap, path: readonly string[]): void {
  const parent = lookup(root, path.slice(0, -1));
  const last = path[path.length - 1] ?? '';
  if (!parent.found) return;
  if (Array.isArray(parent.value)) {
    const index = listIndex(parent.value, last);
    if (index !== undefined) parent.value.splice(index, 1);
  } else if (isConfigMap(parent.value)) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- deleting the key the user named is the point
    delete parent.value[last];
  }
}
