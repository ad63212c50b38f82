import { parse as parseYaml } from 'yaml';
import { parseCsv } from './csv.js';
import type { RunFiles } from './runFiles.js';

/** `metrics.csv`: its header and one row per epoch (cells as written). */
export interface MetricsCsv {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** What every part of a run's report reads: parsed once per rebuild. */
export interface RunData {
  /** `.hydra/config.yaml` as written, and parsed (undefined when absent or not a YAML map). */
  readonly configText: string | undefined;
  readonly config: Readonly<Record<string, unknown>> | undefined;
  /** `.hydra/overrides.yaml`: the command line's overrides. */
  readonly overrides: readonly string[] | undefined;
  readonly metricsCsv: MetricsCsv | undefined;
  /**
   * `results.json`, when it belongs to the run as it stands: it is written once the run ends, so one older than
   * `metrics.csv` is left from an earlier, interrupted attempt that was resumed since.
   */
  readonly results: Readonly<Record<string, unknown>> | undefined;
  /** The run log (`<task_name>.log`): when its first and last lines were written. */
  readonly log: { readonly path: string; readonly startedAt: string; readonly seconds: number } | undefined;
  /** Files that exist but could not be read, one line each. */
  readonly problems: readonly string[];
}

export async function readRunData(files: RunFiles): Promise<RunData> {
  const problems: string[] = [];
  const configText = await files.text('.hydra/config.yaml');
  const config = configText === undefined ? undefined : yamlMap(configText, '.hydra/config.yaml', problems);
  const overrides = await readOverrides(files, problems);
  const csvText = await files.text('metrics.csv');
  const metricsCsv = csvText === undefined ? undefined : metricsTable(csvText);
  const results = await readResults(files, problems);
  const taskName = typeof config?.task_name === 'string' ? config.task_name : undefined;
  const log = await readLogTimes(files, taskName);
  return { configText, config, overrides, metricsCsv, results, log, problems };
}

/** The numbers of one `metrics.csv` row by column; empty cells are left out. */
export function metricsRow(csv: MetricsCsv, row: readonly string[]): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [index, column] of csv.columns.entries()) {
    const cell = row[index];
    if (cell === undefined || cell.trim() === '') continue;
    const value = Number(cell);
    if (Number.isFinite(value)) values[column] = value;
  }
  return values;
}

/** The largest value a column reached (e.g. the best `val/acc`), or undefined when it has none. */
export function columnMax(csv: MetricsCsv | undefined, column: string): number | undefined {
  if (csv === undefined) return undefined;
  let best: number | undefined;
  for (const row of csv.rows) {
    const value = metricsRow(csv, row)[column];
    if (value !== undefined && (best === undefined || value > best)) best = value;
  }
  return best;
}

function metricsTable(text: string): MetricsCsv {
  const [columns = [], ...rows] = parseCsv(text).filter((row) => row.some((cell) => cell !== ''));
  return { columns, rows };
}

function yamlMap(text: string, path: string, problems: string[]): Record<string, unknown> | undefined {
  try {
    const value: unknown = parseYaml(text);
    if (isRecord(value)) return value;
    problems.push(`${path} does not hold a YAML map`);
  } catch (error) {
    problems.push(`${path} is not valid YAML (${firstLine(error)})`);
  }
  return undefined;
}

async function readOverrides(files: RunFiles, problems: string[]): Promise<string[] | undefined> {
  const text = await files.text('.hydra/overrides.yaml');
  if (text === undefined) return undefined;
  try {
    const value: unknown = parseYaml(text);
    if (value === null || value === undefined) return [];
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
    problems.push('.hydra/overrides.yaml is not a YAML list of strings');
  } catch (error) {
    problems.push(`.hydra/overrides.yaml is not valid YAML (${firstLine(error)})`);
  }
  return undefined;
}

async function readResults(
  files: RunFiles,
  problems: string[],
): Promise<Record<string, unknown> | undefined> {
  const read = await files.json('results.json');
  if (read === undefined) return undefined;
  if ('error' in read) {
    problems.push(read.error);
    return undefined;
  }
  if (!isRecord(read.value)) {
    problems.push('results.json does not hold a JSON object');
    return undefined;
  }
  const [results, metrics] = await Promise.all([files.stat('results.json'), files.stat('metrics.csv')]);
  if (results !== undefined && metrics !== undefined && results.mtimeMs < metrics.mtimeMs) return undefined;
  return read.value;
}

const LOG_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)\s/;

async function readLogTimes(files: RunFiles, taskName: string | undefined): Promise<RunData['log']> {
  const logs = (await files.list('.')).filter((entry) => !entry.isDirectory && entry.name.endsWith('.log'));
  const preferred = taskName === undefined ? undefined : `${taskName}.log`;
  const name = logs.find((entry) => entry.name === preferred)?.name ?? logs[0]?.name;
  if (name === undefined) return undefined;
  const times = ((await files.text(name)) ?? '')
    .split('\n')
    .map((line) => LOG_TIME.exec(line)?.[1])
    .filter((time): time is string => time !== undefined);
  const first = times[0];
  const last = times.at(-1);
  if (first === undefined || last === undefined) return undefined;
  return { path: name, startedAt: first, seconds: (Date.parse(last) - Date.parse(first)) / 1000 };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
