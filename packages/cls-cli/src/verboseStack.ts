import { inspect } from 'node:util';

/**
 * What `--verbose` prints for an error: its stack, then the stack of each `cause` in turn (`Caused by: …`), so a
 * failure wrapped as `[plugin] hook failed` still shows the plugin's own frames.
 */
export function verboseStack(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    const text = current instanceof Error ? (current.stack ?? current.message) : inspect(current);
    parts.push(parts.length === 0 ? text : `Caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}
