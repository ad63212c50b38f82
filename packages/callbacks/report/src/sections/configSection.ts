import { SECTION_ORDER, type ReportBlock, type ReportSection } from '../reportSection.js';
import type { SectionInput } from './sectionInput.js';

/** The command line's overrides and the resolved config the run used (`.hydra/`). */
export function configSection({ run }: SectionInput): ReportSection | undefined {
  const blocks: ReportBlock[] = [];
  if (run.overrides !== undefined) {
    blocks.push({
      kind: 'code',
      caption: '.hydra/overrides.yaml',
      text: run.overrides.length === 0 ? '(no overrides)' : run.overrides.join('\n'),
    });
  }
  if (run.configText !== undefined) {
    blocks.push({ kind: 'code', caption: '.hydra/config.yaml', text: run.configText });
  }
  if (blocks.length === 0) return undefined;
  return { id: 'config', title: 'Run config', order: SECTION_ORDER.config, blocks };
}
