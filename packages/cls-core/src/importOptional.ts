import { createRequire } from 'node:module';
import type { BackendAvailability } from '@nextplay/cls-core';

const require = createRequire(import.meta.url);

/** Imports a package that may not be installed (an optional peer dependency), reporting why it is unusable. */
export async function importOptional(
  specifier: string,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    require.resolve(specifier);
  } catch {
    return { ok: false, reason: `${specifier} is not installed` };
  }
  try {
    // A variable specifier: tsc and bundlers must not try to resolve optional packages.
    await import(specifier);
    return { ok: true };
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return { ok: false, reason: `${specifier} failed to load: ${message}` };
  }
}

/** A backend's availability: whether its package imports. */
export async function probePackage(specifier: string): Promise<BackendAvailability> {
  const imported = await importOptional(specifier);
  return imported.ok
    ? { available: true, reason: `${specifier} is installed` }
    : { available: false, reason: imported.reason };
}
