import { keyValueTable, recordListTable } from '../jsonTables.js';
import { isRecord } from '../runData.js';
import { SECTION_ORDER, type ReportBlock, type ReportSection } from '../reportSection.js';
import { chartImage } from './chartImage.js';
import type { SectionInput } from './sectionInput.js';

const CAPTION_KEYS = ['caption', 'description', 'title'];

/**
 * `plots/predictions.png` (sample images with their predicted and true classes) from the predictions callback,
 * captioned from `predictions.json`: its caption, its scalar facts, and its lists of samples as tables.
 */
export async function predictionsSection({ files }: SectionInput): Promise<ReportSection | undefined> {
  // A grid of photos: the PNG is the picture itself, the SVG only wraps it.
  const chart = await chartImage(files, 'plots/predictions', ['png', 'svg']);
  const read = await files.json('predictions.json');
  if (chart.path === undefined && read === undefined) return undefined;
  const blocks: ReportBlock[] = [];
  const json = read !== undefined && 'value' in read && isRecord(read.value) ? read.value : undefined;
  const caption = CAPTION_KEYS.map((key) => json?.[key]).find((value) => typeof value === 'string');
  if (chart.path !== undefined)
    blocks.push({ kind: 'image', path: chart.path, ...(caption === undefined ? {} : { caption }) });
  if (read !== undefined && 'error' in read) blocks.push({ kind: 'text', text: read.error });
  if (json !== undefined) {
    const facts: Record<string, unknown> = {};
    const lists: ReportBlock[] = [];
    for (const [key, value] of Object.entries(json)) {
      if (CAPTION_KEYS.includes(key)) continue;
      const table = Array.isArray(value) ? recordListTable(key, value) : undefined;
      if (table !== undefined) lists.push({ kind: 'table', table });
      else facts[key] = value;
    }
    if (Object.keys(facts).length > 0) blocks.push({ kind: 'table', table: keyValueTable(facts) });
    blocks.push(...lists);
  }
  return {
    id: 'predictions',
    title: 'Predictions',
    order: SECTION_ORDER.predictions,
    blocks,
    claims: chart.claims,
  };
}
