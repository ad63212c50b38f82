import { createLogger, PluginRegistry, type Callback, type PluginDefinition } from '@nextplay/cls-core';
import { validatePluginOptions } from './pluginOptions.js';

/**
 * Creates a callback the way a run does: the options node is validated against the plugin's schema (defaults
 * filled in), then the plugin is registered in a fresh registry and created through it with a silent logger.
 * Throws when the node does not pass the schema.
 */
export async function createCallbackFromPlugin(
  plugin: PluginDefinition<'callback', never>,
  node: Readonly<Record<string, unknown>> = {},
): Promise<Callback> {
  const { valid, errors, options } = validatePluginOptions(plugin, node);
  if (!valid) throw new Error(`${plugin.name}: options do not pass optionsSchema: ${errors.join('; ')}`);
  const registry = new PluginRegistry().register(plugin);
  return registry.create('callback', plugin.name, options, { logger: createLogger({ console: false }) });
}
