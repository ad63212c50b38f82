import { basename } from 'node:path';
import { ClsError, isClsError } from '@nextplay/cls-core';
import { cosmiconfig } from 'cosmiconfig';
import { isConfigMap, type ConfigMap } from './configTree.js';
import { parseYaml } from './parseYaml.js';

/** A project's own defaults, found next to (or above) the working directory. */
export interface ProjectConfig {
  /** The file it came from. */
  readonly file: string;
  /** Values merged over the composed config, under the command-line overrides. */
  readonly config: ConfigMap;
}

/** Where a project config may live, first match wins, in each directory from the working directory upward. */
export const PROJECT_CONFIG_FILES = [
  'package.json',
  '.clsrc',
  '.clsrc.json',
  '.clsrc.yaml',
  '.clsrc.yml',
  '.clsrc.js',
  '.clsrc.ts',
  '.clsrc.mjs',
  '.clsrc.cjs',
  '.config/clsrc',
  '.config/clsrc.json',
  '.config/clsrc.yaml',
  '.config/clsrc.yml',
  '.config/clsrc.js',
  '.config/clsrc.ts',
  '.config/clsrc.mjs',
  '.config/clsrc.cjs',
  'cls.config.yaml',
  'cls.config.yml',
  'cls.config.json',
  'cls.config.js',
  'cls.config.mjs',
  'cls.config.cjs',
  'cls.config.ts',
] as const;

/**
 * Finds the project config with cosmiconfig: `cls.config.{yaml,yml,json,js,mjs,cjs,ts}`, `.clsrc`,
 * `.clsrc.{json,yaml,yml,js,ts,mjs,cjs}`, the same under `.config/` as `clsrc…`, or a `"cls"` key in package.json, from `cwd` up to the project root (the first
 * directory with a package.json). A `.ts` config needs the `typescript` package installed.
 */
export async function loadProjectConfig(cwd: string): Promise<ProjectConfig | undefined> {
  // YAML and JSON go through the config files' own parser: one-line file:line:col errors, bounded aliases.
  const loadYamlOrJson = (filepath: string, content: string): unknown => parseYaml(content, filepath);
  const explorer = cosmiconfig('cls', {
    searchPlaces: [...PROJECT_CONFIG_FILES],
    searchStrategy: 'project',
    cache: false,
    loaders: {
      '.yaml': loadYamlOrJson,
      '.yml': loadYamlOrJson,
      '.json': loadYamlOrJson,
      noExt: loadYamlOrJson,
    },
  });
  let found;
  try {
    found = await explorer.search(cwd);
  } catch (error) {
    if (isClsError(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const file = (error as { filepath?: unknown } | null)?.filepath;
    const where = typeof file === 'string' && !message.includes(file) ? `${file}: ` : '';
    throw new ClsError(
      'CONFIG_PARSE',
      `project config: ${where}${message.split('\n').filter(Boolean).join('; ')}`,
      { cause: error },
    );
  }
  if (found === null) return undefined;
  if (found.isEmpty === true || found.config === undefined || found.config === null) {
    return { file: found.filepath, config: {} };
  }
  const config: unknown = found.config;
  if (!isConfigMap(config)) {
    const where =
      basename(found.filepath) === 'package.json' ? `${found.filepath} ("cls" key)` : found.filepath;
    throw new ClsError('CONFIG_INVALID', `${where}: a project config must be a mapping of keys to values`);
  }
  return { file: found.filepath, config };
}
