import type { LiveRun } from '../liveRun.js';
import type { RunData } from '../runData.js';
import type { RunFiles } from '../runFiles.js';

/** What a built-in section is made from. */
export interface SectionInput {
  readonly files: RunFiles;
  readonly run: RunData;
  readonly live: LiveRun | undefined;
}
