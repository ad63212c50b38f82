import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ClsError, writeFileAtomic } from '@nextplay/cls-core';
import { buildRunReport, REPORT_HTML, type RunReportOptions } from './buildRunReport.js';

/** Files only a run directory has; one of them is enough (an interrupted run may lack the others). */
export const RUN_DIR_MARKERS = ['.hydra/config.yaml', 'metrics.csv', 'results.json'] as const;

/** Whether `dir` holds a run: its `.hydra/config.yaml`, `metrics.csv` or `results.json`. */
export async function isRunDir(dir: string): Promise<boolean> {
  for (const marker of RUN_DIR_MARKERS) {
    if ((await stat(join(dir, marker)).catch(() => undefined))?.isFile() === true) return true;
  }
  return false;
}

/** Writes `report.html` into the run directory (atomically) and returns its path; no check of the directory. */
export async function saveRunReport(runDir: string, options: RunReportOptions = {}): Promise<string> {
  const path = join(runDir, REPORT_HTML);
  await writeFileAtomic(path, await buildRunReport(runDir, options));
  return path;
}

/**
 * Rebuilds `report.html` from the files of a finished or interrupted run (`cls report RUN_DIR`) and returns its
 * path. A directory that holds no run is a `ClsError`.
 */
export async function writeRunReport(runDir: string): Promise<string> {
  const dir = resolve(runDir);
  const info = await stat(dir).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    throw new ClsError('USAGE', `${dir} is not a directory`);
  }
  if (!(await isRunDir(dir))) {
    throw new ClsError(
      'USAGE',
      `${dir} is not a run directory (it has no ${RUN_DIR_MARKERS.join(', ')}) nor a multirun sweep directory (no multirun.yaml)`,
    );
  }
  return saveRunReport(dir);
}
