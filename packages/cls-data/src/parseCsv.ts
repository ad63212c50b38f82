export interface CsvLimits {
  /** A row of more cells is cut after `maxCells + 1`, enough for the caller to see it is too long. */
  readonly maxCells: number;
  /** A longer cell is cut to `maxCellLength + 1` characters, likewise. */
  readonly maxCellLength: number;
}

/**
 * Parses CSV text (RFC 4180 quoting, `,` separator, CRLF or LF) into rows of trimmed cells, one row at a time;
 * blank lines are dropped. Cells are slices of `text`, never built a character at a time, and no row is kept
 * after it is yielded: a file of one 64 MiB cell or of millions of tiny ones costs about its own size.
 */
export function* parseCsv(
  text: string,
  limits: CsvLimits = { maxCells: Infinity, maxCellLength: Infinity },
): Generator<string[], void> {
  const { maxCells, maxCellLength } = limits;
  const cut = (cell: string) => (cell.length > maxCellLength ? cell.slice(0, maxCellLength + 1) : cell);
  let row: string[] = [];
  let i = 0;
  while (i <= text.length) {
    const start = skipBlanks(text, i);
    let cell: string;
    if (text.charCodeAt(start) === QUOTE) {
      const close = closingQuote(text, start + 1);
      const end = cellEnd(text, close + 1);
      // Unquoting reads at most twice the longest cell: every `""` is one character.
      const quoted = text.slice(start + 1, Math.min(close, start + 1 + 2 * (maxCellLength + 1)));
      cell = cut((quoted.replaceAll('""', '"') + withoutReturns(cut(text.slice(close + 1, end)))).trim());
      i = end;
    } else {
      const end = cellEnd(text, i);
      cell = cut(withoutReturns(cut(text.slice(i, end))).trim());
      i = end;
    }
    row.push(cell);
    if (row.length > maxCells) {
      const lineEnd = text.indexOf('\n', i);
      i = lineEnd < 0 ? text.length : lineEnd;
    }
    const separator = text.charCodeAt(i);
    i++;
    if (separator !== COMMA) {
      if (row.some((value) => value !== '')) yield row;
      row = [];
      if (i >= text.length) return;
    }
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;

/** The quote that closes a quoted cell whose text starts at `from` (`""` is a quote inside it), or the end. */
function closingQuote(text: string, from: number): number {
  let i = from;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return text.length;
    if (text.charCodeAt(quote + 1) !== QUOTE) return quote;
    i = quote + 2;
  }
}

/** Where the cell starting at `from` ends: the next `,` or line feed, or the end of the text. */
function cellEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === COMMA || code === 0x0a) return i;
  }
  return text.length;
}

/** Skips the spaces and tabs Roboflow puts after a comma, so `, "a"` is a quoted cell. */
function skipBlanks(text: string, from: number): number {
  let i = from;
  while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
  return i;
}

function withoutReturns(text: string): string {
  return text.includes('\r') ? text.replaceAll('\r', '') : text;
}
