import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What Pillow gave for one fixture image: its mode on opening, its size, and its RGB bytes (base64). */
export interface PilImage {
  readonly mode: string;
  readonly width: number;
  readonly height: number;
  readonly rgb: string;
  /** The RGB bytes resized to 8×8 by `resize((8, 8), Image.BILINEAR)`, where the script wrote them. */
  readonly resized8?: string;
}

/** The `expected.json` a Pillow fixture script wrote in `dir`: each image's name and what Pillow gave. */
export function readPilExpected(dir: string): Readonly<Record<string, PilImage>> {
  return (
    JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
      readonly images: Readonly<Record<string, PilImage>>;
    }
  ).images;
}
