import { ClsError } from './errors.js';
import { SKIPPED_IMAGES_CSV, type SkippedImage, type SplitName } from './data.js';

const SPLITS: readonly string[] = ['train', 'val', 'test'] satisfies SplitName[];

/** A CSV field, and whether it was quoted (only a quoted field can carry the formula guard). */
interface CsvField {
  readonly text: string;
  readonly quoted: boolean;
}

/** The rows `skippedImagesCsv` wrote, read back; a `PLUGIN_FAILED` naming the file when they are not its shape. */
export function parseSkippedImagesCsv(text: string): SkippedImage[] {
  const [header, ...rows] = parseCsv(text);
  const names = header?.map(({ text: name }) => name).join(',');
  if (names !== 'split,path,reason') {
    throw new ClsError(
      'PLUGIN_FAILED',
      `${SKIPPED_IMAGES_CSV}: the header must be split,path,reason, got ${names}`,
    );
  }
  return rows.map((row, i) => {
    const [split, path, reason] = row.map(unguard);
    if (row.length !== 3 || split === undefined || path === undefined || reason === undefined) {
      throw new ClsError(
        'PLUGIN_FAILED',
        `${SKIPPED_IMAGES_CSV}: row ${i + 1} must have 3 fields, has ${row.length}`,
      );
    }
    if (!SPLITS.includes(split)) {
      throw new ClsError(
        'PLUGIN_FAILED',
        `${SKIPPED_IMAGES_CSV}: row ${i + 1}: split must be train, val or test, got ${split}`,
      );
    }
    return { split: split as SplitName, path, reason };
  });
}

/** Undoes `skippedImagesCsv`'s guard against spreadsheet formulas: a `'` before `=`, `+`, `-`, `@`, tab or CR. */
function unguard({ text, quoted }: CsvField): string {
  return quoted && /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}

/** RFC 4180 rows (quoted fields may hold `,`, `""` and line breaks); blank lines are skipped. */
function parseCsv(text: string): CsvField[][] {
  const rows: CsvField[][] = [];
  let row: CsvField[] = [];
  let at = 0;
  const endRow = () => {
    if (!(row.length === 1 && row[0]?.text === '' && !row[0].quoted)) rows.push(row);
    row = [];
  };
  while (at < text.length) {
    let field = '';
    const quoted = text[at] === '"';
    if (quoted) {
      at++;
      for (;;) {
        const close = text.indexOf('"', at);
        if (close === -1) {
          throw new ClsError('PLUGIN_FAILED', `${SKIPPED_IMAGES_CSV}: a quoted field is never closed`);
        }
        field += text.slice(at, close);
        at = close + 1;
        if (text[at] !== '"') break;
        field += '"';
        at++;
      }
      if (at < text.length && !/[,\r\n]/.test(text[at] ?? '')) {
        throw new ClsError(
          'PLUGIN_FAILED',
          `${SKIPPED_IMAGES_CSV}: text after a quoted field's closing quote`,
        );
      }
    } else {
      const end = text.slice(at).search(/[,\n]/);
      field = end === -1 ? text.slice(at) : text.slice(at, at + end);
      at += field.length;
    }
    row.push({ text: quoted ? field : field.replace(/\r$/, ''), quoted });
    if (text[at] === ',') {
      at++;
      if (at === text.length) row.push({ text: '', quoted: false });
    } else {
      if (text[at] === '\r') at++;
      at++; // the line break, or past the end
      endRow();
    }
  }
  return rows;
}
