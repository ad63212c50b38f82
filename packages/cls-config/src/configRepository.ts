import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ClsError } from '@nextplay/cls-core';
import { isConfigMap, type ConfigMap } from './configTree.js';
import { parseYaml } from './parseYaml.js';

/** A config file as composition sees it. */
export interface ConfigFile {
  /** Path inside the config dirs without extension: `train`, `model/resnet18`. */
  readonly path: string;
  /** The file on disk it was read from. */
  readonly file: string;
  /** The `# @package ...` header, if the file has one. */
  readonly packageHeader: string | undefined;
  /** The file's keys without `defaults`. */
  readonly content: ConfigMap;
  /** The raw `defaults` list, `[]` when the file has none. */
  readonly defaults: readonly unknown[];
}

const EXTENSION = '.yaml';
const PACKAGE_HEADER = /^#\s*@package\s+(\S+)/;

/**
 * Config files found in several directories. Later directories override earlier ones file by file (a project's
 * `configs/model/resnet18.yaml` replaces the built-in one); group options are the union over all directories.
 */
export class ConfigRepository {
  readonly #dirs: readonly string[];
  readonly #cache = new Map<string, ConfigFile | undefined>();

  constructor(configDirs: readonly string[]) {
    this.#dirs = configDirs.filter((dir) => isDirectory(dir));
  }

  get dirs(): readonly string[] {
    return this.#dirs;
  }

  /** The config at `path` (no extension) from the last directory that has it, or `undefined`. */
  load(path: string): ConfigFile | undefined {
    if (!this.#cache.has(path)) this.#cache.set(path, this.#read(path));
    return this.#cache.get(path);
  }

  groupExists(group: string): boolean {
    return group !== '' && this.#dirs.some((dir) => isDirectory(join(dir, group)));
  }

  /** Option names of a group over all directories, in natural order (resnet18, resnet34, …, resnet101). */
  options(group: string): string[] {
    const names = new Set<string>();
    for (const dir of this.#dirs) {
      for (const entry of readEntries(join(dir, group))) {
        if (entry.isFile() && entry.name.endsWith(EXTENSION))
          names.add(entry.name.slice(0, -EXTENSION.length));
      }
    }
    return [...names].sort(naturalOrder);
  }

  /** Every group (nested ones as `a/b`) with its options. */
  groups(): Record<string, string[]> {
    const groups = new Set<string>();
    const visit = (root: string, dir: string): void => {
      for (const entry of readEntries(dir)) {
        if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
        const child = join(dir, entry.name);
        groups.add(relative(root, child).split(sep).join('/'));
        visit(root, child);
      }
    };
    for (const dir of this.#dirs) visit(dir, dir);
    const result: Record<string, string[]> = {};
    for (const group of [...groups].sort()) result[group] = this.options(group);
    return result;
  }

  #read(path: string): ConfigFile | undefined {
    for (const dir of [...this.#dirs].reverse()) {
      const file = join(dir, `${path}${EXTENSION}`);
      if (isFile(file)) return parseConfigFile(path, file, readFileSync(file, 'utf8'));
    }
    return undefined;
  }
}

/** Config groups (sub-directories, nested ones as `a/b`) and their options (YAML files) across `configDirs`. */
export function listConfigGroups(configDirs: readonly string[]): Record<string, string[]> {
  return new ConfigRepository(configDirs).groups();
}

function parseConfigFile(path: string, file: string, text: string): ConfigFile {
  const root: unknown = parseYaml(text, file) ?? {};
  if (!isConfigMap(root)) {
    throw new ClsError('CONFIG_PARSE', `${file}: a config file must be a mapping of keys to values`);
  }
  const { defaults, ...content } = root;
  if (defaults !== undefined && !Array.isArray(defaults)) {
    throw new ClsError('CONFIG_INVALID', `${file}: defaults must be a list`);
  }
  return { path, file, packageHeader: readPackageHeader(text), content, defaults: defaults ?? [] };
}

/** Hydra reads `# @package <pkg>` from the comment block at the top of the file. */
function readPackageHeader(text: string): string | undefined {
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) return undefined;
    const match = PACKAGE_HEADER.exec(line);
    if (match !== null) return match[1];
  }
  return undefined;
}

function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function readEntries(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
