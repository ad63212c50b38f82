import { resolve } from 'node:path';
import { ClsError } from '@nextplay/cls-core';
import { isSweepDir, writeRunReport, writeSweepReport } from '@nextplay/cls-callback-report';
import type { CliArgs } from '../cliArgs.js';
import type { CliIo } from '../cliIo.js';

/**
 * `cls report RUN_DIR`: (re)builds `report.html` from a finished or interrupted run's files; for a multirun
 * sweep directory, one `report.html` comparing its runs. Prints the report's path.
 */
export async function reportCommand(args: CliArgs, io: CliIo): Promise<number> {
  const [, target, extra] = args.command;
  if (target === undefined || extra !== undefined) {
    throw new ClsError(
      'USAGE',
      'cls report takes one directory: a run directory or a multirun sweep directory',
    );
  }
  const dir = resolve(io.cwd, target);
  const path = (await isSweepDir(dir)) ? await writeSweepReport(dir) : await writeRunReport(dir);
  io.stdout(`${path}\n`);
  return 0;
}
