import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled worker script `script` beside the module at `moduleUrl` (its `import.meta.url`), for a package whose
 * `src/` compiles to `dist/` file for file. Run from source (tests), the package's build is used; undefined when
 * there is none, so that the caller can do the work in its own thread.
 */
export function compiledWorkerFile(moduleUrl: string, script: string): string | undefined {
  const compiled = moduleUrl.endsWith('.ts')
    ? new URL(`../dist/${script}`, moduleUrl)
    : new URL(`./${script}`, moduleUrl);
  const path = fileURLToPath(compiled);
  return existsSync(path) ? path : undefined;
}
