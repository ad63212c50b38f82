import { createLogger } from '@nextplay/cls-core';
import { loadProjectConfig, type ProjectConfig } from '@nextplay/cls-config';
import type { CliArgs } from './cliArgs.js';

/**
 * The project config (`cls.config.yaml`, `.clsrc`, "cls" in package.json, …) found from `cwd`, with a log line
 * naming the file it came from. With `--cfg` the printout carries that line as a YAML comment instead, so stdout
 * stays YAML.
 */
export async function loadProjectDefaults(cwd: string, args: CliArgs): Promise<ProjectConfig | undefined> {
  const project = await loadProjectConfig(cwd);
  if (project !== undefined && args.cfg === undefined) {
    createLogger({ level: args.verbose ? 4 : 3 }).info(
      `project config ${project.file} applied (under the command-line overrides)`,
    );
  }
  return project;
}
