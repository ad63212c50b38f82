import sharp from 'sharp';

export interface SvgToPngOptions {
  /** Pixels per inch the SVG is rasterized at; 72 keeps the SVG's size, 144 doubles it (default). */
  readonly density?: number;
}

/** Rasterizes an SVG document to PNG with sharp (librsvg, on libuv's threads, off the main thread). */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: options.density ?? 144 })
    .flatten({ background: '#ffffff' })
    .png({ compressionLevel: 6 })
    .toBuffer();
}
