// The publishable workspace packages, found through npm itself so a package added later under any workspace
// glob of the root package.json is picked up without editing this list.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** @returns {{ name: string, version: string, dir: string, manifest: Record<string, unknown> }[]} */
export function publishableWorkspaces() {
  const found = JSON.parse(
    execFileSync('npm', ['query', '.workspace', '--json'], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  return found
    .map((entry) => {
      const dir = join(repoRoot, entry.location);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name, version: manifest.version, dir, manifest };
    })
    .filter((workspace) => workspace.manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The environment for a nested npm: without the `npm_*` variables of an enclosing `npm run`. */
export function cleanNpmEnv(extra = {}) {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_') || keep.has(key)),
  );
  return { ...env, ...extra };
}
