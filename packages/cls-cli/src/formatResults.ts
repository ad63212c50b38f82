import { escapeTerminalText, type JsonValue } from '@nextplay/cls-core';

const SHOWN = ['test/acc', 'test/loss', 'val/acc', 'best_model_path', 'backend', 'precision'] as const;

/** The closing summary printed after a run; text is printed with its control characters as escapes. */
export function formatResults(results: Readonly<Record<string, JsonValue>>, runDir: string): string {
  const lines = SHOWN.filter((key) => results[key] !== undefined && results[key] !== null).map((key) => {
    const value = results[key];
    const text =
      typeof value === 'number'
        ? formatNumber(value)
        : typeof value === 'string'
          ? value
          : JSON.stringify(value);
    return `  ${key.padEnd(16)} ${escapeTerminalText(text)}`;
  });
  return `\nResults (${escapeTerminalText(runDir)}/results.json):\n${lines.join('\n')}\n`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}
