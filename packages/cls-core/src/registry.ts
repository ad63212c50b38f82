import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ClsError, pluginError, suggest } from './errors.js';
import {
  PLUGIN_KINDS,
  type AnyPluginDefinition,
  type PluginContext,
  type PluginDefinition,
  type PluginKind,
  type PluginProduct,
} from './plugin.js';

/**
 * Plugins by kind and name. Registration is explicit (no import side effects); a name may be registered once
 * per kind. `create` validates nothing itself: options arrive already checked by the config package.
 */
export class PluginRegistry {
  readonly #plugins = new Map<PluginKind, Map<string, AnyPluginDefinition>>();

  register(...definitions: readonly AnyPluginDefinition[]): this {
    for (const definition of definitions) {
      assertPluginDefinition(definition, definition.package);
      const byName = this.#byKind(definition.kind);
      const existing = byName.get(definition.name);
      if (existing !== undefined) {
        throw new ClsError(
          'DUPLICATE_PLUGIN',
          `${definition.kind} plugin "${definition.name}" from ${definition.package} is already registered by ${existing.package}`,
        );
      }
      byName.set(definition.name, definition);
    }
    return this;
  }

  has(kind: PluginKind, name: string): boolean {
    return this.#byKind(kind).has(name);
  }

  /** The definition, or a `UNKNOWN_PLUGIN` error that lists the registered names and the closest one. */
  get<K extends PluginKind>(kind: K, name: string): PluginDefinition<K, never> {
    const found = this.#byKind(kind).get(name);
    if (found === undefined) {
      const names = this.names(kind);
      const close = suggest(name, names);
      const hint = close[0] === undefined ? '' : ` Did you mean "${close[0]}"?`;
      throw new ClsError(
        'UNKNOWN_PLUGIN',
        `unknown ${kind} "${name}"; available: ${names.length > 0 ? names.join(', ') : '(none)'}.${hint}`,
      );
    }
    return found as unknown as PluginDefinition<K, never>;
  }

  names(kind: PluginKind): string[] {
    return [...this.#byKind(kind).keys()].sort();
  }

  list(kind?: PluginKind): AnyPluginDefinition[] {
    const kinds = kind === undefined ? PLUGIN_KINDS : [kind];
    return kinds.flatMap((k) => [...this.#byKind(k).values()]);
  }

  /** Builds a plugin's product; failures inside the plugin are reported as `[package>name] create failed: …`. */
  async create<K extends PluginKind>(
    kind: K,
    name: string,
    options: Readonly<Record<string, unknown>>,
    context: PluginContext<K>,
  ): Promise<PluginProduct<K>> {
    const definition = this.get(kind, name) as unknown as PluginDefinition<K>;
    try {
      return await definition.create(options, context);
    } catch (error) {
      throw pluginError(`${definition.package}>${definition.name}`, 'create', error);
    }
  }

  /**
   * Imports an outside plugin module (an npm package name or a path, resolved from `fromDir`) and registers
   * what it exports. Returns the definitions it registered.
   */
  async load(specifier: string, fromDir: string): Promise<AnyPluginDefinition[]> {
    const url = resolvePluginSpecifier(specifier, fromDir);
    let imported: Record<string, unknown>;
    try {
      imported = (await import(url)) as Record<string, unknown>;
    } catch (error) {
      throw new ClsError(
        'PLUGIN_LOAD_FAILED',
        `cannot load plugin "${specifier}": ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const definitions = pluginDefinitionsOf(imported.default ?? imported, specifier);
    this.register(...definitions);
    return definitions;
  }

  #byKind(kind: PluginKind): Map<string, AnyPluginDefinition> {
    let byName = this.#plugins.get(kind);
    if (byName === undefined) {
      byName = new Map();
      this.#plugins.set(kind, byName);
    }
    return byName;
  }
}

function resolvePluginSpecifier(specifier: string, fromDir: string): string {
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    const path = resolve(fromDir, specifier);
    return pathToFileURL(isDirectory(path) ? packageEntry(path) : path).href;
  }
  try {
    const require = createRequire(resolve(fromDir, 'package.json'));
    return pathToFileURL(require.resolve(specifier)).href;
  } catch {
    // ESM-only packages without a "require" condition: let import() resolve the bare name.
    return specifier;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The entry file of a plugin package given as a folder: its `exports` (".") or `main`, else index.js. */
function packageEntry(dir: string): string {
  let manifest: { exports?: unknown; main?: unknown } = {};
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    return join(dir, 'index.js');
  }
  const main =
    exportTarget(manifest.exports) ?? (typeof manifest.main === 'string' ? manifest.main : undefined);
  return join(dir, main ?? 'index.js');
}

function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (!isRecord(exports)) return undefined;
  const entry = '.' in exports ? exports['.'] : exports;
  if (typeof entry === 'string') return entry;
  if (!isRecord(entry)) return undefined;
  for (const condition of ['import', 'node', 'default']) {
    const target = exportTarget(entry[condition]);
    if (target !== undefined) return target;
  }
  return undefined;
}

function pluginDefinitionsOf(exported: unknown, specifier: string): AnyPluginDefinition[] {
  const list: unknown = Array.isArray(exported)
    ? exported
    : isRecord(exported) && Array.isArray(exported.plugins)
      ? exported.plugins
      : [exported];
  const definitions = list as unknown[];
  if (definitions.length === 0) {
    throw new ClsError('PLUGIN_INVALID', `plugin module "${specifier}" exports no plugins`);
  }
  for (const definition of definitions) assertPluginDefinition(definition, specifier);
  return definitions as AnyPluginDefinition[];
}

function assertPluginDefinition(value: unknown, source: string): asserts value is AnyPluginDefinition {
  const problems: string[] = [];
  if (!isRecord(value)) {
    throw new ClsError('PLUGIN_INVALID', `plugin from "${source}" is not an object`);
  }
  if (typeof value.kind !== 'string' || !(PLUGIN_KINDS as readonly string[]).includes(value.kind)) {
    problems.push(`kind must be one of ${PLUGIN_KINDS.join(', ')}`);
  }
  if (typeof value.name !== 'string' || value.name === '') problems.push('name must be a non-empty string');
  if (typeof value.package !== 'string' || value.package === '')
    problems.push('package must be a non-empty string');
  if (!isRecord(value.optionsSchema)) problems.push('optionsSchema must be a JSON schema object');
  if (typeof value.create !== 'function') problems.push('create must be a function');
  if (problems.length > 0) {
    const name = typeof value.name === 'string' ? ` "${value.name}"` : '';
    throw new ClsError('PLUGIN_INVALID', `plugin${name} from "${source}" is invalid: ${problems.join('; ')}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
