import { pluginSpecifiers } from './pluginSpecifiers.js';
import { recordedPlugins, type TrainingRun } from './trainingRun.js';

/**
 * The plugins a training run recorded that the command does not load: a run folder or checkpoint may come from
 * someone else, so its `plugins` are never imported unless the command line (or the project config) names them.
 */
export function unloadedRunPlugins(
  run: TrainingRun | undefined,
  config: Readonly<Record<string, unknown>>,
  cwd: string,
): string[] {
  if (run === undefined) return [];
  const loaded = pluginSpecifiers(config);
  return recordedPlugins(run, cwd).filter((plugin) => !loaded.includes(plugin));
}

/** What to do about them: one clause, for a log line or an error's hint. */
export function runPluginsHint(plugins: readonly string[]): string {
  const list = `[${plugins.join(',')}]`;
  return `the training run used plugins=${list}, which are not loaded from a run folder; pass plugins=${list} if you trust them`;
}
