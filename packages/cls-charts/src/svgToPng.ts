import sharp from 'sharp';
import { useShippedChartFont } from './shippedChartFont.js';

export interface SvgToPngOptions {
  /** Pixels per inch the SVG is rasterized at; 72 keeps the SVG's size, 144 doubles it (default). */
  readonly density?: number;
}

/**
 * Rasterizes an SVG document to PNG with sharp (librsvg, on libuv's threads, off the main thread), its text in
 * the shipped Inter font where the SVG asks for it (as charts do), so no system font is needed.
 */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Buffer> {
  useShippedChartFont();
  return sharp(Buffer.from(svg), { density: options.density ?? 144 })
    .flatten({ background: '#ffffff' })
    .png({ compressionLevel: 6 })
    .toBuffer();
}
