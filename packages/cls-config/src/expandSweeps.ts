import { ClsError } from '@nextplay/cls-core';
import { formatOverrideValue } from './formatOverrideValue.js';
import { parseOverride, type Override } from './parseOverride.js';
import { ChoiceSweep, GlobSweep, RangeSweep, type Sweep } from './sweep.js';

/** The options of each config group (`model` → `['resnet18', 'resnet50']`), as `listConfigGroups` returns them. */
export type GroupOptions = Readonly<Record<string, readonly string[]>>;

const PREFIX = { change: '', add: '+', force_add: '++', delete: '~' } as const;

/** True when any of the overrides sweeps over several values (and so needs `-m`). */
export function hasSweeps(overrides: readonly string[]): boolean {
  return overrides.some((input) => parseOverride(input).sweep !== undefined);
}

/**
 * Expands multirun overrides into the overrides of each job, as Hydra's basic sweeper does: the cartesian
 * product of the sweeps, the first override varying slowest; overrides that do not sweep go to every job
 * unchanged. `glob(...)` picks among `groupOptions` of the override's group.
 */
export function expandSweeps(overrides: readonly string[], groupOptions: GroupOptions): string[][] {
  const choices = overrides.map((input) => {
    const override = parseOverride(input);
    return override.sweep === undefined
      ? [input]
      : sweepValues(override, override.sweep, groupOptions).map((value) => jobOverride(override, value));
  });
  let jobs: string[][] = [[]];
  for (const values of choices) jobs = jobs.flatMap((job) => values.map((value) => [...job, value]));
  return jobs;
}

function sweepValues(override: Override, sweep: Sweep, groupOptions: GroupOptions): readonly unknown[] {
  if (sweep instanceof ChoiceSweep) return sweep.values;
  if (sweep instanceof RangeSweep) {
    const values = sweep.values();
    if (values.length === 0) throw invalid(override, 'the range is empty');
    return values;
  }
  if (sweep instanceof GlobSweep) {
    const options = groupOptions[override.key];
    if (options === undefined) {
      throw invalid(override, `glob(...) selects options of a config group, and ${override.key} is not one`);
    }
    const matched = sweep.filter(options);
    if (matched.length === 0) {
      throw invalid(
        override,
        `glob(...) matches no option of group ${override.key} (options: ${options.join(', ')})`,
      );
    }
    return matched;
  }
  throw invalid(
    override,
    'interval(...) needs a sampling sweeper; the basic sweeper runs choice, range and glob sweeps',
  );
}

function jobOverride(override: Override, value: unknown): string {
  const packagePart = override.package === undefined ? '' : `@${override.package}`;
  return `${PREFIX[override.type]}${override.key}${packagePart}=${formatOverrideValue(value)}`;
}

function invalid(override: Override, problem: string): ClsError {
  return new ClsError('OVERRIDE_INVALID', `${override.input}: ${problem}`);
}
