import { SECTION_ORDER, type ReportSection } from '../reportSection.js';
import { chartImage } from './chartImage.js';
import type { SectionInput } from './sectionInput.js';

/** `plots/history.{svg,png}` from the history callback. */
export async function historySection({ files }: SectionInput): Promise<ReportSection | undefined> {
  const chart = await chartImage(files, 'plots/history');
  if (chart.path === undefined) return undefined;
  return {
    id: 'history',
    title: 'Training history',
    order: SECTION_ORDER.history,
    blocks: [{ kind: 'image', path: chart.path, caption: 'Loss, accuracy and learning rate per epoch.' }],
    claims: chart.claims,
  };
}
