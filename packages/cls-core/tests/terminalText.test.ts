import { describe, expect, it } from 'vitest';
import { escapeTerminalText } from '@nextplay/cls-core';

describe('escapeTerminalText', () => {
  it('writes ANSI escapes and other C0 and C1 controls as visible escapes', () => {
    expect(escapeTerminalText('\u001b[31mred\u001b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(escapeTerminalText('\u001b]0;owned\u0007')).toBe('\\x1b]0;owned\\x07');
    expect(escapeTerminalText('a\tb\rc\nd\u0000e\u007f')).toBe('a\\x09b\\x0dc\\x0ad\\x00e\\x7f');
    expect(escapeTerminalText('\u009b2J')).toBe('\\x9b2J');
  });

  it('writes bidirectional controls and line separators as escapes', () => {
    expect(escapeTerminalText('cat\u202egpj.exe')).toBe('cat\\u202egpj.exe');
    expect(escapeTerminalText('\u2066x\u2069\u2028\u061c\u200f')).toBe(
      '\\u2066x\\u2069\\u2028\\u061c\\u200f',
    );
  });

  it('leaves printable text alone, non-ASCII and spreadsheet signs included', () => {
    for (const name of ['golden_retriever', 'chat noir', 'ñandú', '猫', '=1+2', '@home', '-', '🐕', 'a\\x1b'])
      expect(escapeTerminalText(name)).toBe(name);
  });
});
