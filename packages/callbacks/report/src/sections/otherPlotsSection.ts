import { imageMediaType } from '../imageTypes.js';
import { SECTION_ORDER, type ReportBlock, type ReportSection } from '../reportSection.js';
import type { RunFiles } from '../runFiles.js';

/**
 * Every image under `plots/` that no other section shows or claims, so a callback's chart appears even without a
 * manifest. A chart written both as SVG and PNG is shown once, as SVG.
 */
export async function otherPlotsSection(
  files: RunFiles,
  claimed: ReadonlySet<string>,
): Promise<ReportSection | undefined> {
  const images = (await files.filesUnder('plots')).filter(
    (path) => imageMediaType(path) !== undefined && !claimed.has(path),
  );
  const shown = images.filter(
    (path) => !(path.endsWith('.png') && images.includes(path.replace(/\.png$/, '.svg'))),
  );
  if (shown.length === 0) return undefined;
  const blocks: ReportBlock[] = shown.map((path) => ({ kind: 'image', path }));
  return { id: 'other-plots', title: 'Other plots', order: SECTION_ORDER.otherPlots, blocks };
}
