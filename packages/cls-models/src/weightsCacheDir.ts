import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where downloaded weights are kept: `$XDG_CACHE_HOME/nextplay-cls`, else `~/.cache/nextplay-cls`. */
export function weightsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'nextplay-cls');
}
