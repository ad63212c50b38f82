import type { PluginRegistry } from '@nextplay/cls-core';
import { checkPluginLocation } from './pluginLocation.js';

/** The `plugins` of a config: npm packages or paths whose plugins register before validation. */
export function pluginSpecifiers(config: Readonly<Record<string, unknown>>): string[] {
  const plugins = config.plugins;
  return Array.isArray(plugins) ? plugins.filter((p): p is string => typeof p === 'string') : [];
}

/** Registers the config's outside plugins that `loaded` does not hold yet (a multirun's jobs share a registry). */
export async function loadConfigPlugins(
  registry: PluginRegistry,
  config: Readonly<Record<string, unknown>>,
  cwd: string,
  loaded: Set<string>,
): Promise<void> {
  for (const specifier of pluginSpecifiers(config)) {
    if (loaded.has(specifier)) continue;
    checkPluginLocation(specifier, cwd);
    await registry.load(specifier, cwd);
    loaded.add(specifier);
  }
}
