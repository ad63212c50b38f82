import { ClsError } from '@nextplay/cls-core';
import type { CliArgs } from './cliArgs.js';

/**
 * Refuses words after a command that take no positional arguments past its first `commandWords` words, as Hydra
 * refuses an override without `=` (`Error parsing override 'foo'`), instead of dropping them: `cls train
 * trainer.max_epochs 3` would otherwise train for the default epochs. A word followed by another bare word (its
 * value, as a shell user might split them) is shown joined.
 */
export function refuseStrayWords(args: CliArgs, commandWords: number): void {
  const at = args.positionals.findIndex(
    (arg, index) =>
      !isOverride(arg) &&
      args.positionals.slice(0, index).filter((a) => !isOverride(a)).length === commandWords,
  );
  const word = args.positionals[at];
  if (at < 0 || word === undefined) return;
  const next = args.positionals[at + 1];
  const value = next !== undefined && !isOverride(next) ? next : '<value>';
  throw new ClsError('USAGE', `override "${word}" has no "=": write key=value, e.g. ${word}=${value}`);
}

/** What `parseCliArgs` takes for an override: `key=value`, `~key`, `+key=value`. */
export function isOverride(arg: string): boolean {
  return arg.includes('=') || arg.startsWith('~') || arg.startsWith('+');
}
