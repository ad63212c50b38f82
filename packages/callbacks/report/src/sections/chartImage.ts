import type { RunFiles } from '../runFiles.js';

/**
 * A chart written as `<stem>.svg` and/or `<stem>.png`: the file to show (the first of `formats` that exists; SVG
 * by default, sharp at any zoom), and both names to claim.
 */
export async function chartImage(
  files: RunFiles,
  stem: string,
  formats: readonly ('svg' | 'png')[] = ['svg', 'png'],
): Promise<{ readonly path: string | undefined; readonly claims: readonly string[] }> {
  const claims = formats.map((format) => `${stem}.${format}`);
  for (const path of claims) if ((await files.stat(path))?.isDirectory === false) return { path, claims };
  return { path: undefined, claims };
}
