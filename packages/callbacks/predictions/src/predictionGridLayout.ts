/** Where everything of the grid goes, in pixels (the PNG's and the SVG's units are the same). */
export interface PredictionGridLayout {
  readonly columns: number;
  readonly rows: number;
  readonly tileSize: number;
  /** Width of the coloured frame around each image. */
  readonly frame: number;
  /** Space around each framed image and its text. */
  readonly padding: number;
  readonly fontSize: number;
  readonly lineHeight: number;
  /** Height of the title band above the grid. */
  readonly headerHeight: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly width: number;
  readonly height: number;
  /** Characters of the font's average width that fit on one line of a cell's text. */
  readonly charsPerLine: number;
  /** Characters that fit on the title line. */
  readonly charsPerTitle: number;
}

/** Lines of text under each image: true class, predicted class, confidence. */
export const TEXT_LINES = 3;
/** The average advance of a sans-serif character (DejaVu Sans, Liberation Sans) in ems, rounded up. */
const AVERAGE_CHAR_EM = 0.62;
/** A cell is at least this many characters wide, so small tiles still show `true: ` and a name. */
const MIN_CHARS_PER_LINE = 14;

/**
 * The grid for `count` images of `tileSize` px in (at most) `columns` columns. A cell is the image in its frame
 * (centred), the text lines under it, and padding on every side; it is widened for small tiles so the text still
 * fits. The title band spans the top.
 */
export function predictionGridLayout(count: number, columns: number, tileSize: number): PredictionGridLayout {
  const used = Math.max(1, Math.min(columns, count));
  const rows = Math.max(1, Math.ceil(count / used));
  const frame = Math.max(3, Math.round(tileSize / 32));
  const padding = 4;
  const fontSize = Math.max(10, Math.min(16, Math.round(tileSize * 0.11)));
  const charWidth = fontSize * AVERAGE_CHAR_EM;
  const lineHeight = Math.round(fontSize * 1.3);
  const headerHeight = lineHeight + 2 * padding;
  const innerWidth = Math.max(tileSize + 2 * frame, Math.ceil(MIN_CHARS_PER_LINE * charWidth));
  const cellWidth = innerWidth + 2 * padding;
  const cellHeight = 2 * padding + tileSize + 2 * frame + TEXT_LINES * lineHeight + padding;
  const width = used * cellWidth;
  return {
    columns: used,
    rows,
    tileSize,
    frame,
    padding,
    fontSize,
    lineHeight,
    headerHeight,
    cellWidth,
    cellHeight,
    width,
    height: headerHeight + rows * cellHeight,
    charsPerLine: Math.max(1, Math.floor(innerWidth / charWidth)),
    charsPerTitle: Math.max(1, Math.floor((width - 2 * padding) / charWidth)),
  };
}

/** The top-left corner of the `position`-th cell, row by row. */
export function cellOrigin(layout: PredictionGridLayout, position: number): { x: number; y: number } {
  return {
    x: (position % layout.columns) * layout.cellWidth,
    y: layout.headerHeight + Math.floor(position / layout.columns) * layout.cellHeight,
  };
}

/** The top-left corner of a cell's frame, relative to the cell: centred across, under the padding. */
export function frameOffset(layout: PredictionGridLayout): { x: number; y: number } {
  return {
    x: Math.floor((layout.cellWidth - layout.tileSize - 2 * layout.frame) / 2),
    y: layout.padding,
  };
}

/** The top-left corner of the `position`-th image (inside its frame). */
export function tileOrigin(layout: PredictionGridLayout, position: number): { x: number; y: number } {
  const cell = cellOrigin(layout, position);
  const offset = frameOffset(layout);
  return { x: cell.x + offset.x + layout.frame, y: cell.y + offset.y + layout.frame };
}
