/** Keys that once existed, with what replaced them: an override of one says so instead of "no such key". */
const RETIRED_KEYS: ReadonlyMap<string, string> = new Map([
  [
    'data.augment',
    'data.augment was replaced by the transforms group: pick one with transforms=<name> (default, jersey, randaugment, trivialaugment, none) or set transforms.train=[...]',
  ],
]);

/** The one-line message for an override of `path` (or of a key inside it) when it names a retired key. */
export function retiredKeyMessage(key: string, path: readonly string[]): string | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const replaced = RETIRED_KEYS.get(path.slice(0, depth).join('.'));
    if (replaced !== undefined) return `${key}: ${replaced}`;
  }
  return undefined;
}
