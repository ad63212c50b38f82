import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClsError } from '@nextplay/cls-core';

/** The configs shipped with the package (copied from the repository's configs/ at build time). */
export function builtinConfigDir(): string {
  return fileURLToPath(new URL('../configs', import.meta.url));
}

/**
 * Where configs are searched, lowest precedence first: the built-in configs, the project's config folder
 * (`configs/` in the working directory, or `--config-path`, Hydra's directory of the primary config), then
 * `--config-dir`, as Hydra's config search path. A `--config-path` that is not a folder is an error.
 */
export function configSearchPath(cwd: string, configDir: string | undefined, configPath?: string): string[] {
  const dirs = [builtinConfigDir()];
  const project = resolve(cwd, configPath ?? 'configs');
  if (configPath !== undefined && !isFolder(project)) {
    throw new ClsError('USAGE', `--config-path ${configPath}: ${project} is not a folder`);
  }
  if (existsSync(project) && !dirs.includes(project)) dirs.push(project);
  if (configDir !== undefined) dirs.push(resolve(cwd, configDir));
  return dirs;
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}
