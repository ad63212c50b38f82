import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ClsError } from '@nextplay/cls-core';

/**
 * Checks that a `plugins` entry names something that exists, before it is imported, so the error names the user's
 * path or package and where it was looked for (not the module that would have imported it): a path from `cwd`
 * must exist; a package must be installed in a `node_modules` folder from `cwd` up.
 */
export function checkPluginLocation(specifier: string, cwd: string): void {
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    const path = resolve(cwd, specifier);
    if (!existsSync(path)) {
      throw new ClsError('PLUGIN_LOAD_FAILED', `cannot load plugin "${specifier}": ${path} does not exist`);
    }
    return;
  }
  const name = packageName(specifier);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', name))) return;
    if (dirname(dir) === dir) break;
  }
  throw new ClsError(
    'PLUGIN_LOAD_FAILED',
    `cannot load plugin "${specifier}": package ${name} is not installed (no node_modules/${name} in ${cwd} or above)`,
    { hint: `npm install ${name}, or give the plugin's path` },
  );
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}
