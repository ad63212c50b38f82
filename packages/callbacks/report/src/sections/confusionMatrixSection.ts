import { SECTION_ORDER, type ReportBlock, type ReportSection } from '../reportSection.js';
import { chartImage } from './chartImage.js';
import type { SectionInput } from './sectionInput.js';

const EPOCH_CSV = /^epoch_\d+\.csv$/;

/**
 * `plots/confusion_matrix.{svg,png}` and the per-epoch counts `confusion_matrix/epoch_NNN.csv` from the
 * confusion-matrix callback; its per-epoch images (`plots/confusion_matrix/`) are claimed, not repeated.
 */
export async function confusionMatrixSection({ files }: SectionInput): Promise<ReportSection | undefined> {
  const chart = await chartImage(files, 'plots/confusion_matrix');
  const csvs = (await files.list('confusion_matrix'))
    .filter((entry) => !entry.isDirectory && EPOCH_CSV.test(entry.name))
    .map((entry) => `confusion_matrix/${entry.name}`);
  if (chart.path === undefined && csvs.length === 0) return undefined;
  const blocks: ReportBlock[] = [];
  if (chart.path !== undefined) blocks.push({ kind: 'image', path: chart.path });
  if (csvs.length > 0) {
    blocks.push({ kind: 'text', text: `Counts per validated epoch (${csvs.length} CSV file(s)):` });
    blocks.push({ kind: 'files', paths: csvs });
  }
  return {
    id: 'confusion-matrix',
    title: 'Confusion matrix',
    order: SECTION_ORDER.confusionMatrix,
    blocks,
    claims: [...chart.claims, ...(await files.filesUnder('plots/confusion_matrix'))],
  };
}
