/** A link to a file of the run, by run-relative path. */
export interface ReportLink {
  readonly file: string;
  /** Shown instead of the path. */
  readonly text?: string;
}

/** A table cell: text, a number (shown rounded, exact on hover), a link to a run file, or empty. */
export type ReportCell = string | number | boolean | null | ReportLink;

export interface ReportTable {
  readonly columns: readonly string[];
  /** A table of `name | value` facts: values aligned left, numbers included. */
  readonly facts?: boolean;
  readonly rows: readonly (readonly ReportCell[])[];
  readonly caption?: string;
}

/** What a section shows, in order. Paths are relative to the run directory. */
export type ReportBlock =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'table'; readonly table: ReportTable }
  /** An image file embedded in the page (as a `data:` URI), with a caption. */
  | { readonly kind: 'image'; readonly path: string; readonly caption?: string }
  /** Files linked by relative path, e.g. checkpoints or per-epoch CSVs. */
  | { readonly kind: 'files'; readonly paths: readonly string[] }
  /** Preformatted text such as YAML. */
  | { readonly kind: 'code'; readonly text: string; readonly caption?: string };

/** One section of `report.html`. Sections are shown by ascending `order`, then title. */
export interface ReportSection {
  /** The section's anchor in the page, unique. */
  readonly id: string;
  readonly title: string;
  readonly order: number;
  readonly description?: string;
  readonly blocks: readonly ReportBlock[];
  /**
   * Images under `plots/` this section stands for although it does not show them (the PNG twin of an SVG,
   * per-epoch copies), so "Other plots" leaves them out. The images it shows are claimed already.
   */
  readonly claims?: readonly string[];
}

/** Where the built-in sections go; a manifest's `order` places a section among them. */
export const SECTION_ORDER = {
  summary: 10,
  metrics: 20,
  config: 30,
  history: 40,
  confusionMatrix: 50,
  predictions: 60,
  dataset: 70,
  model: 80,
  exports: 90,
  skippedImages: 100,
  /** Sections from `report/<name>.json` without an `order`. */
  manifestDefault: 500,
  metricsCsv: 800,
  otherPlots: 900,
  notes: 1000,
} as const;
