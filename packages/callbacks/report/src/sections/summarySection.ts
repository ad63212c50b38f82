import { formatDuration } from '../format.js';
import type { LiveRun } from '../liveRun.js';
import type { RunData } from '../runData.js';
import { SECTION_ORDER, type ReportCell, type ReportSection } from '../reportSection.js';
import type { SectionInput } from './sectionInput.js';

/** How the run ended (or stands), in words. */
export function runStatus(run: RunData, live: LiveRun | undefined): string {
  if (live !== undefined) {
    const epoch = `epoch ${live.epoch + 1} of ${live.maxEpochs}`;
    if (live.status === 'training') return `training: ${epoch} done`;
    if (live.status === 'testing') return 'fit finished, testing';
    if (live.status === 'interrupted') return `interrupted in ${epoch}; resume with ckpt_path=last`;
    return 'finished';
  }
  const results = run.results;
  if (results === undefined) return 'incomplete: no results.json (still running, interrupted or failed)';
  if (results.interrupted === true) return 'interrupted';
  const stopped = results.stopped_early;
  return typeof stopped === 'string' && stopped !== '' ? `finished (stopped early: ${stopped})` : 'finished';
}

/** Status, time and the scalar facts of `results.json` that are not metrics (backend, best checkpoint, …). */
export function summarySection({ files, run, live }: SectionInput): ReportSection {
  const rows: [string, ReportCell][] = [
    ['run directory', files.runDir],
    ['status', runStatus(run, live)],
  ];
  if (run.overrides !== undefined) rows.push(['overrides', run.overrides.join(' ') || '(none)']);
  if (run.log !== undefined) {
    rows.push(['started', run.log.startedAt]);
    rows.push([live === undefined ? 'duration' : 'running for', formatDuration(run.log.seconds)]);
  }
  const epochs = run.metricsCsv?.rows.length;
  if (run.results === undefined && epochs !== undefined) rows.push(['epochs in metrics.csv', epochs]);
  for (const [key, value] of Object.entries(run.results ?? {})) {
    if (key.includes('/')) continue;
    if (key === 'classes' && Array.isArray(value)) rows.push([key, classList(value)]);
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
      rows.push([key, value as ReportCell]);
  }
  return {
    id: 'summary',
    title: 'Summary',
    order: SECTION_ORDER.summary,
    blocks: [{ kind: 'table', table: { facts: true, columns: ['', 'value'], rows } }],
  };
}

const CLASSES_SHOWN = 20;

function classList(classes: readonly unknown[]): string {
  const names = classes.slice(0, CLASSES_SHOWN).map(String).join(', ');
  return `${classes.length}: ${names}${classes.length > CLASSES_SHOWN ? ', …' : ''}`;
}
