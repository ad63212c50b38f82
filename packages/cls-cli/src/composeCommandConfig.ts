import { composeConfig, loadProjectConfig, type ComposeResult } from '@nextplay/cls-config';
import type { CliArgs } from './cliArgs.js';
import type { CliIo } from './cliIo.js';
import { configSearchPath } from './configDirs.js';

/**
 * Composes a command's run config as `cls train` does (primary config, project defaults, overrides), adding the
 * command's own config group `<node>=default` (e.g. `predict`) unless the primary config or an override has it.
 */
export async function composeCommandConfig(
  args: CliArgs,
  io: CliIo,
  overrides: readonly string[],
  node?: string,
): Promise<{ composed: ComposeResult; configDirs: string[] }> {
  const configDirs = configSearchPath(io.cwd, args.configDir);
  const projectConfig = await loadProjectConfig(io.cwd);
  const options = {
    configDirs,
    configName: args.configName,
    ...(projectConfig === undefined ? {} : { projectConfig }),
  };
  if (node === undefined) return { composed: composeConfig({ ...options, overrides }), configDirs };
  const probe = composeConfig({ ...options, overrides: overrides.filter(isGroupChoice) });
  const present = node in probe.config || overrides.some((o) => new RegExp(`^\\+{0,2}${node}=`).test(o));
  return {
    composed: composeConfig({
      ...options,
      overrides: present ? overrides : [`+${node}=default`, ...overrides],
    }),
    configDirs,
  };
}

/** Overrides that pick a config group option (`model=resnet50`), not values (`predict.input=x`). */
function isGroupChoice(override: string): boolean {
  const key = override.slice(0, override.indexOf('=')).replace(/^[+~]+/, '');
  return override.includes('=') && !key.includes('.') && !override.startsWith('~');
}
