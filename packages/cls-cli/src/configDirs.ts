import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The configs shipped with the package (copied from the repository's configs/ at build time). */
export function builtinConfigDir(): string {
  return fileURLToPath(new URL('../configs', import.meta.url));
}

/**
 * Where configs are searched, lowest precedence first: the built-in configs, a `configs/` folder in the
 * project (the working directory), then `--config-dir`, as Hydra's config search path.
 */
export function configSearchPath(cwd: string, configDir: string | undefined): string[] {
  const dirs = [builtinConfigDir()];
  const project = resolve(cwd, 'configs');
  if (existsSync(project) && !dirs.includes(project)) dirs.push(project);
  if (configDir !== undefined) dirs.push(resolve(cwd, configDir));
  return dirs;
}
