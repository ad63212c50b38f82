import { resolve } from 'node:path';
import { resolveConfig, resolveRunDir, toYaml, type ComposeResult } from '@nextplay/cls-config';

export type CfgPart = 'job' | 'hydra' | 'all';

/** `--cfg job|hydra|all` (with `--resolve`): the composed config, or the part asked for, as YAML. */
export function printableConfig(
  composed: ComposeResult,
  cfg: CfgPart,
  resolveValues: boolean,
  cwd: string,
): string {
  const runDir = resolve(cwd, resolveRunDir(composed.config, { cwd }));
  const config: Record<string, unknown> = resolveValues
    ? resolveConfig(composed.config, { outputDir: runDir, cwd })
    : composed.config;
  const file = composed.projectConfigFile;
  const header =
    file === undefined ? '' : `# project config ${file} applied (under the command-line overrides)\n`;
  if (cfg === 'all') return header + toYaml(config);
  if (cfg === 'hydra') return header + toYaml({ hydra: config.hydra });
  const { hydra: _hydra, ...job } = config;
  return header + toYaml(job);
}
