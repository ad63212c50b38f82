import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { ClsError, writeFileAtomic } from '@nextplay/cls-core';
import { parse as parseYaml } from 'yaml';
import { REPORT_HTML } from './buildRunReport.js';
import { formatDuration } from './format.js';
import { markup } from './html.js';
import { renderPage, renderTable } from './renderPage.js';
import type { ReportCell } from './reportSection.js';
import { isRecord } from './runData.js';
import { RunFiles } from './runFiles.js';
import { summarizeRun, type RunSummary } from './runSummary.js';
import { isRunDir, saveRunReport } from './writeRunReport.js';

/** The file `cls train -m` writes at the top of a sweep directory (Hydra's name). */
export const MULTIRUN_YAML = 'multirun.yaml';

const SWEEP_DESCRIPTION =
  'Each run links to its own report; the best by test/acc (else best val/acc) is highlighted. ' +
  'Overrides shared by every run are left out.';

/** How deep below the sweep directory runs are looked for (`hydra.sweep.subdir` may hold `/`). */
const MAX_RUN_DEPTH = 3;

/** Whether `dir` is a multirun sweep directory: it holds `multirun.yaml`. */
export async function isSweepDir(dir: string): Promise<boolean> {
  return (await stat(join(dir, MULTIRUN_YAML)).catch(() => undefined))?.isFile() === true;
}

/** The run directories of a sweep (`hydra.sweep.subdir` of each job), sorted by path. */
export async function findSweepRuns(sweepDir: string): Promise<string[]> {
  const runs: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (await isRunDir(path)) runs.push(path);
      else if (depth < MAX_RUN_DEPTH) await visit(path, depth + 1);
    }
  };
  await visit(sweepDir, 1);
  return runs;
}

/**
 * Writes `report.html` in a multirun sweep directory, comparing its runs (overrides, best `val/acc`, `test/acc`,
 * time, status, each linked to its own report, which is rebuilt too), and returns its path. A directory without
 * `multirun.yaml` is a `ClsError`.
 */
export async function writeSweepReport(sweepDir: string): Promise<string> {
  const dir = resolve(sweepDir);
  if (!(await isSweepDir(dir))) {
    throw new ClsError('USAGE', `${dir} is not a multirun sweep directory (it has no ${MULTIRUN_YAML})`);
  }
  const summaries: RunSummary[] = [];
  for (const runDir of await findSweepRuns(dir)) {
    await saveRunReport(runDir);
    summaries.push(await summarizeRun(runDir));
  }
  summaries.sort(
    (a, b) =>
      (a.jobNum ?? Number.MAX_SAFE_INTEGER) - (b.jobNum ?? Number.MAX_SAFE_INTEGER) ||
      (a.runDir < b.runDir ? -1 : a.runDir > b.runDir ? 1 : 0),
  );
  const path = join(dir, REPORT_HTML);
  await writeFileAtomic(path, renderSweepPage(dir, summaries, await sweepOverrides(dir)));
  return path;
}

function renderSweepPage(
  sweepDir: string,
  runs: readonly RunSummary[],
  task: readonly string[] | undefined,
): string {
  const common = (runs[0]?.overrides ?? []).filter((override) =>
    runs.every((run) => run.overrides.includes(override)),
  );
  const score = (run: RunSummary) => run.testAcc ?? run.bestValAcc ?? -Infinity;
  let best: RunSummary | undefined;
  for (const run of runs)
    if (score(run) > -Infinity && (best === undefined || score(run) > score(best))) best = run;
  const rows = runs.map((run): ReportCell[] => {
    const relativeDir = relative(sweepDir, run.runDir);
    return [
      { file: `${relativeDir}/${REPORT_HTML}`, text: relativeDir },
      run.jobNum ?? null,
      run.overrides.filter((o) => !common.includes(o)).join(' ') || '(none)',
      run.status,
      run.bestValAcc ?? null,
      run.testAcc ?? null,
      run.epochs ?? null,
      run.seconds === undefined ? null : formatDuration(run.seconds),
    ];
  });
  const table = renderTable(
    {
      columns: ['run', 'job', 'overrides', 'status', 'best val/acc', 'test/acc', 'epochs', 'time'],
      rows,
    },
    runs.map((run) => (run === best ? 'best' : undefined)),
  );
  const facts = renderTable({
    facts: true,
    columns: ['', 'value'],
    rows: [
      ['sweep directory', sweepDir],
      ['sweep overrides', task === undefined ? null : task.join(' ')],
      ['overrides shared by every run', common.join(' ') || '(none)'],
      ['runs', runs.length],
    ],
  });
  const runsBody =
    runs.length === 0
      ? markup`<p>No run directories yet.</p>`
      : markup`<p class="description">${SWEEP_DESCRIPTION}</p>\n${table}`;
  return renderPage({
    title: `Sweep report: ${basename(sweepDir)}`,
    subtitle: sweepDir,
    sections: [
      { id: 'runs', title: 'Runs', body: runsBody },
      { id: 'sweep', title: 'Sweep', body: facts },
    ],
  });
}

/** The command line's overrides of the sweep (`hydra.overrides.task` in `multirun.yaml`). */
async function sweepOverrides(sweepDir: string): Promise<string[] | undefined> {
  try {
    const text = await new RunFiles(sweepDir).text(MULTIRUN_YAML);
    if (text === undefined) return undefined;
    const config: unknown = parseYaml(text);
    const hydra = isRecord(config) ? config.hydra : undefined;
    const overrides = isRecord(hydra) ? hydra.overrides : undefined;
    const task = isRecord(overrides) ? overrides.task : undefined;
    return Array.isArray(task) ? task.map(String) : undefined;
  } catch {
    return undefined;
  }
}
