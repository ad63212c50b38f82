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
  if (cfg === 'all') return toYaml(config);
  if (cfg === 'hydra') return toYaml({ hydra: config.hydra });
  const { hydra: _hydra, ...job } = config;
  return toYaml(job);
}
