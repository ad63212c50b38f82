/**
 * Characters that a terminal acts on rather than prints, or that reorder what it prints: C0 controls (escape,
 * carriage return, tab, newline, …), DEL, C1 controls (U+009B is an escape sequence's start on its own), line and
 * paragraph separators, and the Unicode bidirectional controls ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/gu;

/**
 * `text` safe to print to a terminal: every control character written as a visible escape (`\x1b`, `\x0d`,
 * `\u202e`), so a class name or file name from a dataset or checkpoint cannot move the cursor, recolour, retitle or
 * clear the screen, or hide a line. Printable text, including non-ASCII, is unchanged.
 */
export function escapeTerminalText(text: string): string {
  return text.replace(TERMINAL_CONTROLS, (control) => {
    const code = control.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
