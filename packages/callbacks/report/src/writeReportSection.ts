import { join } from 'node:path';
import { ClsError, writeFileAtomic } from '@nextplay/cls-core';
import {
  MANIFEST_NAME,
  REPORT_MANIFEST_DIR,
  checkSectionManifest,
  type ReportSectionManifest,
} from './sectionManifest.js';

/**
 * Adds (or replaces) a section of the run's `report.html`: checks `manifest` and writes it, atomically, as
 * `report/<name>.json` in the run directory, where the next rebuild of the report picks it up. Returns the
 * file's path. A callback may as well write that file itself; see `ReportSectionManifest`.
 */
export async function writeReportSection(
  runDir: string,
  name: string,
  manifest: ReportSectionManifest,
): Promise<string> {
  if (!MANIFEST_NAME.test(name)) {
    throw new ClsError(
      'PLUGIN_INVALID',
      `report section name "${name}" must be letters, digits, "_", "." or "-"`,
    );
  }
  const checked = checkSectionManifest(manifest);
  if ('problem' in checked)
    throw new ClsError('PLUGIN_INVALID', `report section "${name}": ${checked.problem}`);
  const path = join(runDir, REPORT_MANIFEST_DIR, `${name}.json`);
  await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}
