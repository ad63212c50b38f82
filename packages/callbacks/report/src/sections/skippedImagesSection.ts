import { SKIPPED_IMAGES_CSV } from '@nextplay/cls-core';
import { parseCsv } from '../csv.js';
import { MAX_LIST_ROWS } from '../jsonTables.js';
import { SECTION_ORDER, type ReportBlock, type ReportSection } from '../reportSection.js';
import type { SectionInput } from './sectionInput.js';

/** `skipped_images.csv`: how many images the data loader skipped (unreadable, …) and the first of them. */
export async function skippedImagesSection({ files }: SectionInput): Promise<ReportSection | undefined> {
  const text = await files.text(SKIPPED_IMAGES_CSV);
  if (text === undefined) return undefined;
  const [header = [], ...rows] = parseCsv(text).filter((row) => row.some((cell) => cell !== ''));
  const blocks: ReportBlock[] = [
    { kind: 'text', text: `${rows.length} image(s) skipped.` },
    { kind: 'files', paths: [SKIPPED_IMAGES_CSV] },
  ];
  if (rows.length > 0) {
    const shown = rows.slice(0, MAX_LIST_ROWS);
    blocks.push({
      kind: 'table',
      table: {
        ...(shown.length < rows.length ? { caption: `first ${shown.length} of ${rows.length}` } : {}),
        columns: header,
        rows: shown,
      },
    });
  }
  return { id: 'skipped-images', title: 'Skipped images', order: SECTION_ORDER.skippedImages, blocks };
}
