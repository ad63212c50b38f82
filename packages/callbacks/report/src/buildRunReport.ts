import { basename } from 'node:path';
import type { LiveRun } from './liveRun.js';
import { renderPage, renderSectionBody } from './renderPage.js';
import { readRunData } from './runData.js';
import { RunFiles } from './runFiles.js';
import { SECTION_ORDER, type ReportSection } from './reportSection.js';
import { configSection } from './sections/configSection.js';
import { confusionMatrixSection } from './sections/confusionMatrixSection.js';
import { datasetSection } from './sections/datasetSection.js';
import { exportsSection } from './sections/exportsSection.js';
import { historySection } from './sections/historySection.js';
import { manifestSections } from './sections/manifestSections.js';
import { metricsCsvSection } from './sections/metricsCsvSection.js';
import { metricsSection } from './sections/metricsSection.js';
import { modelSection } from './sections/modelSection.js';
import { otherPlotsSection } from './sections/otherPlotsSection.js';
import { predictionsSection } from './sections/predictionsSection.js';
import type { SectionInput } from './sections/sectionInput.js';
import { skippedImagesSection } from './sections/skippedImagesSection.js';
import { summarySection } from './sections/summarySection.js';

/** The file name of the report, in the run (or sweep) directory. */
export const REPORT_HTML = 'report.html';

export interface RunReportOptions {
  /** The trainer's view while the run goes on (from the report callback); absent for a run read from its files. */
  readonly live?: LiveRun;
  /** Images larger than this are linked instead of embedded; default 20 MiB. */
  readonly maxInlineBytes?: number;
}

const DEFAULT_MAX_INLINE_BYTES = 20 * 2 ** 20;

type SectionBuilder = (input: SectionInput) => ReportSection | undefined | Promise<ReportSection | undefined>;

const BUILT_IN_SECTIONS: readonly SectionBuilder[] = [
  summarySection,
  metricsSection,
  configSection,
  historySection,
  confusionMatrixSection,
  predictionsSection,
  datasetSection,
  modelSection,
  exportsSection,
  skippedImagesSection,
  metricsCsvSection,
];

/** The sections of a run's report, in page order; each shown only when its files exist. */
export async function runReportSections(runDir: string, live?: LiveRun): Promise<ReportSection[]> {
  const files = new RunFiles(runDir);
  const input: SectionInput = { files, run: await readRunData(files), live };
  const sections: ReportSection[] = [];
  for (const build of BUILT_IN_SECTIONS) {
    const section = await build(input);
    if (section !== undefined) sections.push(section);
  }
  const manifests = await manifestSections(input);
  sections.push(...manifests.sections);
  const claimed = new Set<string>();
  for (const section of sections) {
    for (const path of section.claims ?? []) claimed.add(path);
    for (const block of section.blocks) if (block.kind === 'image') claimed.add(block.path);
  }
  const others = await otherPlotsSection(files, claimed);
  if (others !== undefined) sections.push(others);
  const notes = [...files.refusedNotes(), ...input.run.problems, ...manifests.notes];
  if (notes.length > 0) {
    sections.push({
      id: 'notes',
      title: 'Report notes',
      order: SECTION_ORDER.notes,
      description: 'Files the report could not show.',
      blocks: notes.map((text) => ({ kind: 'text', text })),
    });
  }
  return sections.sort((a, b) => a.order - b.order || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
}

/** The HTML of a run's report: one self-contained page that loads nothing. */
export async function buildRunReport(runDir: string, options: RunReportOptions = {}): Promise<string> {
  const files = new RunFiles(runDir);
  const sections = await runReportSections(runDir, options.live);
  const renderOptions = { maxInlineBytes: options.maxInlineBytes ?? DEFAULT_MAX_INLINE_BYTES };
  const rendered = [];
  for (const section of sections) {
    rendered.push({
      id: section.id,
      title: section.title,
      body: await renderSectionBody(section, files, renderOptions),
    });
  }
  return renderPage({ title: `Run report: ${basename(runDir)}`, subtitle: runDir, sections: rendered });
}
