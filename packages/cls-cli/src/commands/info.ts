import { listConfigGroups } from '@nextplay/cls-config';
import type { CliArgs } from '../cliArgs.js';
import type { CliIo } from '../cliIo.js';
import { configSearchPath } from '../configDirs.js';
import { createBuiltinRegistry } from '../builtinPlugins.js';
import { PLUGIN_KINDS } from '@nextplay/cls-core';

/** `cls --info`: the config groups with their options, and the registered plugins. */
export function infoCommand(args: CliArgs, io: CliIo): number {
  const groups = listConfigGroups(configSearchPath(io.cwd, args.configDir, args.configPath));
  const lines = ['Config groups:'];
  for (const [group, options] of Object.entries(groups)) lines.push(`  ${group}: ${options.join(', ')}`);
  const registry = createBuiltinRegistry();
  lines.push('', 'Plugins:');
  for (const kind of PLUGIN_KINDS) lines.push(`  ${kind}: ${registry.names(kind).join(', ')}`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
