import { cellOrigin, frameOffset, type PredictionGridLayout } from './predictionGridLayout.js';
import { ellipsize, escapeXml } from './svgText.js';

/** Frame and label colour of a wrong prediction. */
export const WRONG_COLOUR = '#d62728';
/** Frame colour of a right prediction. */
export const CORRECT_COLOUR = '#2ca02c';
const TEXT_COLOUR = '#222222';
/** What shows around an image that is not square, inside its frame. */
export const LETTERBOX_COLOUR = '#808080';

/** One image of the grid as the SVG shows it. */
export interface GridTile {
  readonly trueLabel: string;
  readonly predictedLabel: string;
  /** Probability of the predicted class, 0 to 1. */
  readonly confidence: number;
  readonly correct: boolean;
  /** A `data:` URL of the image, for the standalone SVG; without it the image's place is left to the caller. */
  readonly href?: string;
  /** Enlarge the image pixelated (nearest-neighbour) rather than smoothed. */
  readonly pixelated?: boolean;
}

/**
 * The grid as SVG: a title, and per tile a frame (red for a wrong prediction, green for a right one) and three
 * lines of text under it (true class, predicted class in red when wrong, confidence with `WRONG` when wrong).
 * Every text is escaped and cut with an ellipsis to its cell, and each cell is its own nested `<svg>`, which
 * clips, so a long name never runs into the next cell.
 */
export function predictionGridSvg(
  layout: PredictionGridLayout,
  title: string,
  tiles: readonly GridTile[],
): string {
  const { fontSize, lineHeight, padding, frame, tileSize } = layout;
  const baseline = (top: number): number => top + Math.round(lineHeight * 0.75);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" ` +
      `viewBox="0 0 ${layout.width} ${layout.height}" font-family="sans-serif" font-size="${fontSize}">`,
    `<rect width="${layout.width}" height="${layout.height}" fill="#ffffff"/>`,
    `<text x="${padding}" y="${baseline(padding)}" fill="${TEXT_COLOUR}" font-weight="bold">` +
      `${escapeXml(ellipsize(title, layout.charsPerTitle))}</text>`,
  ];
  const inset = frameOffset(layout);
  tiles.forEach((tile, position) => {
    const cell = cellOrigin(layout, position);
    const colour = tile.correct ? CORRECT_COLOUR : WRONG_COLOUR;
    const textTop = padding + 2 * frame + tileSize;
    const line = (index: number, text: string, fill: string, bold = false): string =>
      `<text x="${padding}" y="${baseline(textTop + index * lineHeight)}" fill="${fill}"` +
      `${bold ? ' font-weight="bold"' : ''}>${escapeXml(ellipsize(text, layout.charsPerLine))}</text>`;
    const confidence = `conf ${(tile.confidence * 100).toFixed(1)}%`;
    parts.push(
      `<svg x="${cell.x}" y="${cell.y}" width="${layout.cellWidth}" height="${layout.cellHeight}">`,
      `<rect x="${inset.x}" y="${inset.y}" width="${tileSize + 2 * frame}" height="${tileSize + 2 * frame}" fill="${colour}"/>`,
    );
    if (tile.href !== undefined) parts.push(imageElement(tile, inset.x + frame, inset.y + frame, tileSize));
    parts.push(
      line(0, `true: ${tile.trueLabel}`, TEXT_COLOUR),
      line(1, `pred: ${tile.predictedLabel}`, tile.correct ? TEXT_COLOUR : WRONG_COLOUR, !tile.correct),
      line(2, tile.correct ? confidence : `${confidence} WRONG`, tile.correct ? TEXT_COLOUR : WRONG_COLOUR),
      '</svg>',
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function imageElement(tile: GridTile, x: number, y: number, tileSize: number): string {
  const rendering =
    tile.pixelated === true ? ' image-rendering="optimizeSpeed" style="image-rendering:pixelated"' : '';
  return (
    `<rect x="${x}" y="${y}" width="${tileSize}" height="${tileSize}" fill="${LETTERBOX_COLOUR}"/>` +
    `<image x="${x}" y="${y}" width="${tileSize}" height="${tileSize}" ` +
    `preserveAspectRatio="xMidYMid meet"${rendering} href="${escapeXml(tile.href ?? '')}"/>`
  );
}
