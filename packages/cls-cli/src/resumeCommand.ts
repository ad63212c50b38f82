import { isAbsolute, relative } from 'node:path';
import type { CliArgs } from './cliArgs.js';

/**
 * The command that continues an interrupted `cls train` run exactly where it stopped: the same flags and
 * overrides, `hydra.run.dir` pinned to the run's directory (a default `outputs/<date>/<time>` would start a new
 * run) and `ckpt_path=last` in place of any `ckpt_path` given. Each word is quoted for a POSIX shell if it needs it.
 */
export function resumeCommand(args: CliArgs, runDir: string, cwd: string): string {
  const flags = [
    ...(args.configPath === undefined ? [] : ['--config-path', args.configPath]),
    ...(args.configDir === undefined ? [] : ['--config-dir', args.configDir]),
    ...(args.configName === 'train' ? [] : ['--config-name', args.configName]),
  ];
  const keyOf = (override: string): string =>
    override.slice(0, override.indexOf('=')).replace(/^\+{1,2}/, '');
  const kept = args.overrides.filter((override) => !['ckpt_path', 'hydra.run.dir'].includes(keyOf(override)));
  const words = [
    'cls',
    'train',
    ...flags,
    ...kept,
    `hydra.run.dir=${shownPath(runDir, cwd)}`,
    'ckpt_path=last',
  ];
  return words.map(shellQuote).join(' ');
}

/** `runDir` relative to `cwd` when it lies inside it (the command is run from there), else absolute. */
function shownPath(runDir: string, cwd: string): string {
  const inside = relative(cwd, runDir);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : runDir;
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
