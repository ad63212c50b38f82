import { parse as parseYaml } from 'yaml';
import { columnMax, isRecord, readRunData } from './runData.js';
import { RunFiles } from './runFiles.js';
import { runStatus } from './sections/summarySection.js';

/** One run of a sweep, as the sweep report compares it. */
export interface RunSummary {
  readonly runDir: string;
  /** `hydra.job.num` from `.hydra/hydra.yaml`, when known. */
  readonly jobNum: number | undefined;
  readonly overrides: readonly string[];
  readonly status: string;
  /** The best `val/acc` of any epoch (`metrics.csv`), else `val/acc` of `results.json`. */
  readonly bestValAcc: number | undefined;
  readonly testAcc: number | undefined;
  /** Wall time from the run log's first to last line. */
  readonly seconds: number | undefined;
  readonly epochs: number | undefined;
}

export async function summarizeRun(runDir: string): Promise<RunSummary> {
  const files = new RunFiles(runDir);
  const run = await readRunData(files);
  const results = run.results;
  const number = (value: unknown) =>
    typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  return {
    runDir,
    jobNum: await jobNum(files),
    overrides: run.overrides ?? [],
    status: runStatus(run, undefined),
    bestValAcc: columnMax(run.metricsCsv, 'val/acc') ?? number(results?.['val/acc']),
    testAcc: number(results?.['test/acc']),
    seconds: run.log?.seconds,
    epochs: number(results?.epochs_trained) ?? run.metricsCsv?.rows.length,
  };
}

async function jobNum(files: RunFiles): Promise<number | undefined> {
  const text = await files.text('.hydra/hydra.yaml');
  if (text === undefined) return undefined;
  try {
    const hydra: unknown = parseYaml(text);
    const job = isRecord(hydra) && isRecord(hydra.hydra) ? hydra.hydra.job : undefined;
    const num = isRecord(job) ? Number(job.num) : Number.NaN;
    return Number.isInteger(num) ? num : undefined;
  } catch {
    return undefined;
  }
}
