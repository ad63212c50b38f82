/** What resolution needs to know about the composition a config came from. */
export interface CompositionInfo {
  readonly now: Date;
  readonly choices: Readonly<Record<string, string | null>>;
  readonly configName: string;
}

// Lets `resolveRunDir(config)` and `resolveConfig(config, ...)` share the composition's timestamp, so every
// `${now:...}` of one run agrees, without the caller threading it through.
const compositions = new WeakMap<object, CompositionInfo>();

export function rememberComposition(config: object, info: CompositionInfo): void {
  compositions.set(config, info);
}

export function compositionOf(config: object): CompositionInfo | undefined {
  return compositions.get(config);
}
