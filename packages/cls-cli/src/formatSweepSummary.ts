import type { JobResult } from '@nextplay/cls-core';

/**
 * The table printed at the end of a multirun: one row per job with its overrides (those that differ between
 * jobs or that the command line swept, such as `experiment=glob(*)` matching one option; `hydra.*` left out),
 * status and test accuracy. `sweptKeys` are the keys of the command line's sweeps (`experiment`, `optimizer.lr`).
 */
export function formatSweepSummary(
  results: readonly JobResult[],
  sweepDir: string,
  sweptKeys: readonly string[] = [],
): string {
  const keyOf = (override: string): string => override.slice(0, override.indexOf('=')).replace(/^[+~]+/, '');
  const shown = (overrides: readonly string[]): string[] => {
    const task = overrides.filter((override) => !/^[+~]*hydra[./=]/.test(override));
    const varying = task.filter(
      (override) =>
        sweptKeys.includes(keyOf(override)) ||
        !results.every((result) => result.job.overrides.includes(override)),
    );
    return varying.length > 0 ? varying : task;
  };
  const rows = results.map((result) => {
    const acc = result.results?.['test/acc'];
    return [
      String(result.job.num),
      shown(result.job.overrides).join(' ') || '(none)',
      result.status,
      typeof acc === 'number' ? acc.toFixed(4) : '-',
    ];
  });
  const header = ['job', 'overrides', 'status', 'test/acc'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `  ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`.trimEnd();
  const failed = results.filter((result) => result.status === 'failed').length;
  const interrupted = results.filter((result) => result.status === 'interrupted').length;
  const submitted = results.filter((result) => result.status === 'submitted').length;
  const tally = [
    `${results.length - failed - interrupted - submitted} of ${results.length} job${results.length === 1 ? '' : 's'} completed`,
    ...(submitted > 0 ? [`${submitted} submitted`] : []),
    ...(failed > 0 ? [`${failed} failed`] : []),
    ...(interrupted > 0 ? [`${interrupted} not run (interrupted)`] : []),
  ].join(', ');
  return `\nMultirun summary (${sweepDir}):\n${[line(header), ...rows.map(line)].join('\n')}\n${tally}\n`;
}
