import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** The font chart text asks for: Inter, shipped with this package (OFL-1.1), then the machine's sans-serif. */
export const CHART_FONT_FAMILY = 'Inter, sans-serif';

/** The shipped font's name, as its files declare it. */
export const SHIPPED_FONT_NAME = 'Inter';

/** Folders of @expo-google-fonts/inter holding the weights charts use (each folder holds that one TTF). */
const SHIPPED_WEIGHT_FOLDERS = ['400Regular', '700Bold'];

const CONF_DIR = join(tmpdir(), 'cls-charts-fonts');
const CONF_PREFIX = 'fonts-';

let configured = false;

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** The shipped font's folders: resolved from this package, so they are found wherever npm put it. */
function shippedFontFolders(): string[] {
  const packageJson = createRequire(import.meta.url).resolve('@expo-google-fonts/inter/package.json');
  return SHIPPED_WEIGHT_FOLDERS.map((folder) => join(dirname(packageJson), folder));
}

/** Whether `file` is a configuration this module wrote (inherited from a parent process) and is still there. */
function isOurConfig(file: string): boolean {
  return dirname(file) === CONF_DIR && basename(file).startsWith(CONF_PREFIX) && existsSync(file);
}

/**
 * Points fontconfig at a configuration that includes the one it would read anyway (`FONTCONFIG_FILE` when set,
 * else the system's) and adds the shipped Inter font, so chart PNGs have readable text on a machine without a
 * single system font. The file is named by its content's hash, so processes that started with different
 * configurations never overwrite each other's.
 *
 * fontconfig reads FONTCONFIG_FILE from the process environment once, when the process first draws text (sharp's
 * librsvg and Pango share it): this must run before that, and on the main thread (a worker thread's
 * `process.env` is its own copy that native code never sees). Child processes inherit the setting.
 */
export function useShippedChartFont(): void {
  if (configured) return;
  configured = true;
  const current = process.env.FONTCONFIG_FILE;
  if (current !== undefined && isOurConfig(current)) return;
  try {
    process.env.FONTCONFIG_FILE = writeConfig(current);
  } catch {
    // No shipped font (an unwritable temp folder): the machine's fonts draw the text, and the font check says so
    // when there are none.
  }
}

/** Writes the configuration that includes `current` (or the system's) and the shipped font; returns its path. */
function writeConfig(current: string | undefined): string {
  const included = current !== undefined && current !== '' ? current : '/etc/fonts/fonts.conf';
  const xml =
    '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n' +
    `  <include ignore_missing="yes">${escapeXml(included)}</include>\n` +
    shippedFontFolders()
      .map((folder) => `  <dir>${escapeXml(folder)}</dir>\n`)
      .join('') +
    `  <cachedir>${escapeXml(join(CONF_DIR, 'cache'))}</cachedir>\n` +
    '</fontconfig>\n';
  const hash = createHash('sha256').update(xml).digest('hex').slice(0, 16);
  const conf = join(CONF_DIR, `${CONF_PREFIX}${hash}.conf`);
  mkdirSync(CONF_DIR, { recursive: true });
  const partial = `${conf}.${process.pid}.tmp`;
  writeFileSync(partial, xml);
  renameSync(partial, conf);
  return conf;
}
