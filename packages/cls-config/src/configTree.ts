/** Plain config trees: maps (plain objects), lists and scalars, as parsed from YAML. */
export type ConfigMap = Record<string, unknown>;

/** OmegaConf's marker for a mandatory value that must be supplied before the config is used. */
export const MISSING = '???';

export function isConfigMap(value: unknown): value is ConfigMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function cloneTree<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneTree(item)) as T;
  if (isConfigMap(value)) {
    const copy: ConfigMap = {};
    for (const [key, item] of Object.entries(value)) copy[key] = cloneTree(item);
    return copy as T;
  }
  return value;
}

/**
 * Merges `source` into `target` in place, as OmegaConf.merge does: maps merge key by key (new keys appended in
 * source order), lists and scalars replace, and a mandatory `???` in the source does not erase an existing value.
 */
export function mergeInto(target: ConfigMap, source: ConfigMap): ConfigMap {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isConfigMap(value) && isConfigMap(existing)) {
      mergeInto(existing, value);
    } else if (value === MISSING && key in target) {
      continue;
    } else {
      target[key] = cloneTree(value);
    }
  }
  return target;
}

/** `{}` placed at a dotted package path: `wrapInPackage(x, 'a.b')` is `{ a: { b: x } }`; '' is the root. */
export function wrapInPackage(content: ConfigMap, packagePath: string): ConfigMap {
  if (packagePath === '') return content;
  return packagePath
    .split('.')
    .reverse()
    .reduce<ConfigMap>((inner, key) => ({ [key]: inner }), content);
}

/** Splits `a.b.0` into `['a', 'b', '0']`; an integer segment indexes a list. */
export function splitKeyPath(key: string): string[] {
  return key === '' ? [] : key.split('.');
}

export function isContainer(value: unknown): value is ConfigMap | unknown[] {
  return typeof value === 'object' && value !== null;
}

export function listIndex(list: readonly unknown[], segment: string): number | undefined {
  if (!/^\d+$/.test(segment)) return undefined;
  const index = Number(segment);
  return index < list.length ? index : undefined;
}

/** The child of a container, or `undefined` when there is none. */
export function childOf(container: unknown, segment: string): { found: boolean; value: unknown } {
  if (Array.isArray(container)) {
    const index = listIndex(container, segment);
    return index === undefined
      ? { found: false, value: undefined }
      : { found: true, value: container[index] };
  }
  if (isConfigMap(container) && Object.prototype.hasOwnProperty.call(container, segment)) {
    return { found: true, value: container[segment] };
  }
  return { found: false, value: undefined };
}

/** The keys a container offers at one level, for "did you mean" hints. */
export function childKeys(container: unknown): string[] {
  if (Array.isArray(container)) return container.map((_, index) => String(index));
  return isConfigMap(container) ? Object.keys(container) : [];
}

export type Lookup =
  | { readonly found: true; readonly value: unknown }
  /** `depth` = number of leading segments that exist; `parent` = the value at that depth. */
  | { readonly found: false; readonly depth: number; readonly parent: unknown };

export function lookup(root: unknown, path: readonly string[]): Lookup {
  let current = root;
  for (const [depth, segment] of path.entries()) {
    const child = childOf(current, segment);
    if (!child.found) return { found: false, depth, parent: current };
    current = child.value;
  }
  return { found: true, value: current };
}
