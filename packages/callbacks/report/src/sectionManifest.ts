import { isRecord } from './runData.js';
import { insideRunPath } from './runFiles.js';
import { SECTION_ORDER, type ReportBlock, type ReportSection } from './reportSection.js';

/** The directory, relative to the run directory, that holds section manifests. */
export const REPORT_MANIFEST_DIR = 'report';

/** A manifest's name: its file name without `.json`, which also makes the section's anchor `report-<name>`. */
export const MANIFEST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * A section that any callback (a third-party one included) adds to `report.html`, without depending on this
 * package: it writes the JSON file `report/<name>.json` in the run directory (`<name>`: letters, digits, `_`,
 * `.`, `-`), e.g. `report/gradcam.json`:
 *
 * ```json
 * {
 *   "title": "Grad-CAM",
 *   "order": 45,
 *   "description": "Where the model looks, on 8 validation images.",
 *   "images": ["plots/gradcam.svg"],
 *   "table": { "columns": ["class", "mean activation"], "rows": [["cat", 0.41], ["dog", 0.37]] },
 *   "files": ["gradcam/heatmaps.npz"]
 * }
 * ```
 *
 * Every manifest is rendered at each rebuild of the report (each epoch end, fit end and test end, and
 * `cls report RUN_DIR`), so write it (atomically: temporary file and rename) before or during the hook whose
 * results it shows; the report callback runs after the others (`order = 'post'`). `writeReportSection` does this.
 *
 * - `title` (required): the section's heading.
 * - `order`: where the section goes among the others, ascending; the built-in sections use `SECTION_ORDER`
 *   (summary 10, metrics 20, config 30, history 40, confusion matrix 50, predictions 60, dataset 70, model 80,
 *   checkpoints and exports 90, skipped images 100, metrics.csv 800, other plots 900); default 500.
 * - `description`: a paragraph under the heading (plain text; it is escaped, never markup).
 * - `images`: images to show, by path relative to the run directory (`.svg`, `.png`, `.jpg`, `.jpeg`, `.gif`,
 *   `.webp`); each is embedded in the page as a `data:` URI, so the report stays one self-contained file. An image
 *   under `plots/` that a manifest shows is not repeated under "Other plots".
 * - `table`: `columns` (strings) and `rows`, each a list of as many cells (string, number, boolean or null).
 * - `files`: other files to link, by path relative to the run directory.
 *
 * Paths must stay inside the run directory (no absolute paths, no `..`). A manifest that is not valid JSON or
 * breaks these rules becomes a one-line note at the end of the report, naming the file and the problem; the
 * report is still written. A listed image or file that does not exist (yet) is shown as missing.
 */
export interface ReportSectionManifest {
  readonly title: string;
  readonly order?: number;
  readonly description?: string;
  readonly images?: readonly string[];
  readonly table?: {
    readonly columns: readonly string[];
    readonly rows: readonly (readonly (string | number | boolean | null)[])[];
  };
  readonly files?: readonly string[];
}

const MANIFEST_KEYS = ['title', 'order', 'description', 'images', 'table', 'files'];

/** A checked manifest, or the first thing wrong with it (one line, without the file name). */
export function checkSectionManifest(
  value: unknown,
): { readonly manifest: ReportSectionManifest } | { readonly problem: string } {
  if (!isRecord(value)) return { problem: 'must be a JSON object' };
  const unknown = Object.keys(value).find((key) => !MANIFEST_KEYS.includes(key));
  if (unknown !== undefined)
    return { problem: `unknown key "${unknown}" (expected ${MANIFEST_KEYS.join(', ')})` };
  const { title, order, description, images, table, files } = value;
  if (typeof title !== 'string' || title.trim() === '')
    return { problem: '"title" must be a non-empty string' };
  if (order !== undefined && (typeof order !== 'number' || !Number.isFinite(order)))
    return { problem: '"order" must be a number' };
  if (description !== undefined && typeof description !== 'string')
    return { problem: '"description" must be a string' };
  for (const [key, paths] of [
    ['images', images],
    ['files', files],
  ] as const) {
    if (paths === undefined) continue;
    if (!Array.isArray(paths) || !paths.every((path) => typeof path === 'string'))
      return { problem: `"${key}" must be a list of paths` };
    const outside = paths.find((path: string) => insideRunPath(path) === undefined);
    if (outside !== undefined)
      return { problem: `"${key}": ${JSON.stringify(outside)} is not a path inside the run directory` };
  }
  if (table !== undefined) {
    const problem = tableProblem(table);
    if (problem !== undefined) return { problem: `"table" ${problem}` };
  }
  return { manifest: value as unknown as ReportSectionManifest };
}

function tableProblem(table: unknown): string | undefined {
  if (!isRecord(table)) return 'must be an object with "columns" and "rows"';
  const extra = Object.keys(table).find((key) => key !== 'columns' && key !== 'rows');
  if (extra !== undefined) return `has an unknown key "${extra}"`;
  const { columns, rows } = table;
  if (!Array.isArray(columns) || !columns.every((column) => typeof column === 'string'))
    return '"columns" must be a list of strings';
  if (!Array.isArray(rows)) return '"rows" must be a list of rows';
  for (const [index, row] of rows.entries()) {
    if (!Array.isArray(row) || row.length !== columns.length)
      return `row ${index} must be a list of ${columns.length} cells`;
    if (!row.every((cell) => cell === null || ['string', 'number', 'boolean'].includes(typeof cell)))
      return `row ${index}: cells must be strings, numbers, booleans or null`;
  }
  return undefined;
}

/** The section a checked manifest describes. */
export function manifestSection(name: string, manifest: ReportSectionManifest): ReportSection {
  const blocks: ReportBlock[] = [];
  for (const path of manifest.images ?? []) blocks.push({ kind: 'image', path: insideRunPath(path) ?? path });
  if (manifest.table !== undefined) blocks.push({ kind: 'table', table: manifest.table });
  if (manifest.files !== undefined && manifest.files.length > 0)
    blocks.push({ kind: 'files', paths: manifest.files.map((path) => insideRunPath(path) ?? path) });
  return {
    id: `report-${name}`,
    title: manifest.title,
    order: manifest.order ?? SECTION_ORDER.manifestDefault,
    ...(manifest.description === undefined ? {} : { description: manifest.description }),
    blocks,
  };
}
