import { ClsError, type RawImage } from '@nextplay/cls-core';
import sharp from 'sharp';
import { predictionGridLayout, tileOrigin, type PredictionGridLayout } from './predictionGridLayout.js';
import { LETTERBOX_COLOUR, predictionGridSvg, type GridTile } from './predictionGridSvg.js';

/** One image of the grid with what the model said about it. */
export interface PredictionTile extends Omit<GridTile, 'href' | 'pixelated'> {
  readonly image: RawImage;
}

export interface PredictionGridOptions {
  readonly columns: number;
  readonly tileSize: number;
  /** The line above the grid. */
  readonly title: string;
}

export interface PredictionGrid {
  readonly layout: PredictionGridLayout;
  readonly png: Buffer;
  /** The same grid as a standalone SVG, the images embedded as PNG at their own size (or the tile's, if smaller). */
  readonly svg: string;
}

interface ScaledTile {
  readonly raw: Buffer;
  readonly channels: 1 | 2 | 3 | 4;
  /** PNG of the image as the SVG embeds it. */
  readonly embedded: Buffer;
  readonly enlarged: boolean;
}

/**
 * Draws the tiles as one PNG with sharp: each image scaled to `tileSize` (nearest-neighbour when enlarged, so a
 * 28 px digit keeps its pixels; Lanczos when shrunk), letterboxed if not square, laid on a canvas under an SVG
 * of the frames and text that librsvg renders. Scaling runs on libuv's threads, off the main thread.
 */
export async function renderPredictionGrid(
  tiles: readonly PredictionTile[],
  options: PredictionGridOptions,
): Promise<PredictionGrid> {
  const layout = predictionGridLayout(tiles.length, options.columns, options.tileSize);
  const scaled = await Promise.all(tiles.map((tile) => scaleTile(tile.image, options.tileSize)));
  const overlay = predictionGridSvg(layout, options.title, tiles);
  const png = await sharp({
    create: { width: layout.width, height: layout.height, channels: 3, background: '#ffffff' },
  })
    .composite([
      { input: Buffer.from(overlay), left: 0, top: 0 },
      ...scaled.map((tile, position) => {
        const { x, y } = tileOrigin(layout, position);
        return {
          input: tile.raw,
          raw: { width: options.tileSize, height: options.tileSize, channels: tile.channels },
          left: x,
          top: y,
        };
      }),
    ])
    .png({ compressionLevel: 6 })
    .toBuffer();
  const svg = predictionGridSvg(
    layout,
    options.title,
    tiles.map((tile, i) => ({
      ...tile,
      href: `data:image/png;base64,${scaled[i]?.embedded.toString('base64') ?? ''}`,
      pixelated: scaled[i]?.enlarged ?? false,
    })),
  );
  return { layout, png, svg };
}

async function scaleTile(image: RawImage, tileSize: number): Promise<ScaledTile> {
  const { width, height, channels, data } = image;
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new ClsError('PLUGIN_FAILED', `an image has ${channels} channels; only 1 to 4 can be drawn`);
  }
  if (data.length !== width * height * channels) {
    throw new ClsError(
      'PLUGIN_FAILED',
      `an image of ${width}×${height}×${channels} holds ${data.length} bytes instead of ${width * height * channels}`,
    );
  }
  const source = (): sharp.Sharp =>
    sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels } });
  const enlarged = width <= tileSize && height <= tileSize;
  const resized = source().resize(tileSize, tileSize, {
    fit: 'contain',
    background: LETTERBOX_COLOUR,
    kernel: enlarged ? 'nearest' : 'lanczos3',
  });
  const [{ data: raw, info }, embedded] = await Promise.all([
    resized.clone().raw().toBuffer({ resolveWithObject: true }),
    (enlarged ? source() : resized.clone()).png({ compressionLevel: 6 }).toBuffer(),
  ]);
  return { raw, channels: info.channels, embedded, enlarged };
}
