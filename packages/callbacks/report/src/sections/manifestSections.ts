import {
  REPORT_MANIFEST_DIR,
  MANIFEST_NAME,
  checkSectionManifest,
  manifestSection,
} from '../sectionManifest.js';
import type { ReportSection } from '../reportSection.js';
import type { SectionInput } from './sectionInput.js';

/** The sections of every `report/<name>.json`, and a one-line note for each that cannot be shown. */
export async function manifestSections({
  files,
}: SectionInput): Promise<{ sections: ReportSection[]; notes: string[] }> {
  const sections: ReportSection[] = [];
  const notes: string[] = [];
  for (const entry of await files.list(REPORT_MANIFEST_DIR)) {
    if (entry.isDirectory || !entry.name.endsWith('.json')) continue;
    const path = `${REPORT_MANIFEST_DIR}/${entry.name}`;
    const name = entry.name.slice(0, -'.json'.length);
    if (!MANIFEST_NAME.test(name)) {
      notes.push(`${path}: the name must be letters, digits, "_", "." or "-"; section left out`);
      continue;
    }
    const read = await files.json(path);
    if (read === undefined) continue;
    if ('error' in read) {
      notes.push(`${read.error}; section left out`);
      continue;
    }
    const checked = checkSectionManifest(read.value);
    if ('problem' in checked) notes.push(`${path}: ${checked.problem}; section left out`);
    else sections.push(manifestSection(name, checked.manifest));
  }
  return { sections, notes };
}
