import { resolve } from 'node:path';
import type { ClsConfig, PluginRegistry } from '@nextplay/cls-core';
import { resolveConfig, resolveRunDir, validateConfig, type ComposeResult } from '@nextplay/cls-config';
import { loadConfigPlugins } from './pluginSpecifiers.js';

/** A composed config checked as a run checks it, with the run directory its interpolations resolved against. */
export interface ValidatedRunConfig {
  readonly config: ClsConfig;
  /** Absolute `hydra.run.dir`. */
  readonly runDir: string;
}

/**
 * What every command does before any work: register the config's outside plugins (their option schemas take part
 * in validation), resolve the interpolations against the run directory and validate against cls-core's schema and
 * every plugin's. Throws the one `CONFIG_INVALID` error a run would; writes nothing.
 */
export async function validatedRunConfig(
  composed: ComposeResult,
  registry: PluginRegistry,
  cwd: string,
  loadedPlugins = new Set<string>(),
  warn?: (message: string) => void,
): Promise<ValidatedRunConfig> {
  await loadConfigPlugins(registry, composed.config, cwd, loadedPlugins);
  const runDir = resolve(cwd, resolveRunDir(composed.config, { cwd }));
  const config = validateConfig(resolveConfig(composed.config, { outputDir: runDir, cwd }), registry, {
    addedKeys: composed.addedKeys,
    sources: composed.sources,
    ...(warn === undefined ? {} : { warn }),
  });
  return { config, runDir };
}
