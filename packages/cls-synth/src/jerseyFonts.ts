import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { woffToTtf } from './woffToTtf.js';

/** A sports font the renderer draws numbers in. */
export interface JerseyFont {
  /** Family name as the font file declares it (Pango selects by it). */
  readonly family: string;
  /** Pango font description without size (family plus weight when the file is not the regular one). */
  readonly pangoName: string;
  readonly style: 'block' | 'collegiate' | 'condensed';
  /** The npm package that ships it (OFL-1.1) and the file inside it. */
  readonly packageFile: string;
}

/** Fonts shipped as dependencies of this package; nothing is downloaded and no system font is used. */
export const JERSEY_FONTS: readonly JerseyFont[] = [
  {
    family: 'Graduate',
    pangoName: 'Graduate',
    style: 'collegiate',
    packageFile: '@fontsource/graduate/files/graduate-latin-400-normal.woff',
  },
  {
    family: 'Archivo Black',
    pangoName: 'Archivo Black',
    style: 'block',
    packageFile: '@fontsource/archivo-black/files/archivo-black-latin-400-normal.woff',
  },
  {
    family: 'Russo One',
    pangoName: 'Russo One',
    style: 'block',
    packageFile: '@fontsource/russo-one/files/russo-one-latin-400-normal.woff',
  },
  {
    family: 'Anton',
    pangoName: 'Anton',
    style: 'condensed',
    packageFile: '@fontsource/anton/files/anton-latin-400-normal.woff',
  },
  {
    family: 'Oswald',
    pangoName: 'Oswald Bold',
    style: 'condensed',
    packageFile: '@fontsource/oswald/files/oswald-latin-700-normal.woff',
  },
];

const require = createRequire(import.meta.url);
const FONT_DIR = join(tmpdir(), 'cls-synth-fonts');
const cache = new Map<string, string>();

/**
 * The path of `font` as a TrueType file sharp can load: unpacked once from the package's WOFF into a directory
 * under the OS temp dir named by the file's hash (so concurrent processes agree and never see a half-written
 * file: each writes its own temp name and renames).
 */
export function jerseyFontFile(font: JerseyFont): string {
  const known = cache.get(font.packageFile);
  if (known !== undefined) return known;
  const woff = readFileSync(require.resolve(font.packageFile));
  const hash = createHash('sha256').update(woff).digest('hex').slice(0, 16);
  const path = join(FONT_DIR, `${font.family.replaceAll(' ', '-')}-${hash}.ttf`);
  if (!existsSync(path)) {
    mkdirSync(FONT_DIR, { recursive: true });
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, woffToTtf(woff));
    renameSync(partial, path);
  }
  cache.set(font.packageFile, path);
  return path;
}

const RASTER_RULES =
  '    <edit name="antialias" mode="assign"><bool>true</bool></edit>\n' +
  '    <edit name="hinting" mode="assign"><bool>false</bool></edit>\n' +
  '    <edit name="hintstyle" mode="assign"><const>hintnone</const></edit>\n' +
  '    <edit name="autohint" mode="assign"><bool>false</bool></edit>\n' +
  '    <edit name="rgba" mode="assign"><const>none</const></edit>\n' +
  '    <edit name="lcdfilter" mode="assign"><const>lcdnone</const></edit>\n' +
  '    <edit name="embeddedbitmap" mode="assign"><bool>false</bool></edit>\n';

/**
 * Points fontconfig at a configuration that adds the shipped fonts and fixes how glyphs are rasterized
 * (antialiased, unhinted, overriding the machine's fonts.conf, which is included first), so crops are the same
 * bytes on every machine. The machine's fonts stay visible: charts drawn later in the same process (a training run
 * that generated its crops first) still find their sans-serif; crops name the shipped families only.
 * fontconfig reads FONTCONFIG_FILE once, when a process first draws text: call this before any text is drawn
 * (`cls data synth` does; a process that already drew text with the system fonts keeps them).
 */
export function useShippedFontsOnly(): void {
  for (const font of JERSEY_FONTS) jerseyFontFile(font);
  const conf = join(FONT_DIR, 'fonts.conf');
  if (process.env.FONTCONFIG_FILE === conf) return;
  const xml =
    '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n' +
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n' +
    `  <dir>${FONT_DIR}</dir>\n` +
    `  <cachedir>${join(FONT_DIR, 'cache')}</cachedir>\n` +
    // After the machine's rules, for both matching phases, so these win.
    ['pattern', 'font']
      .map((target) => `  <match target="${target}">\n${RASTER_RULES}  </match>\n`)
      .join('') +
    '</fontconfig>\n';
  const partial = `${conf}.${process.pid}.tmp`;
  writeFileSync(partial, xml);
  renameSync(partial, conf);
  process.env.FONTCONFIG_FILE = conf;
}
