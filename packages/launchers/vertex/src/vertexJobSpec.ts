import { isAbsolute, relative, sep } from 'node:path';
import type { SweepJob } from '@nextplay/cls-core';
import { gcsChild, gcsFusePath, type GcsLocation } from './gcsPath.js';
import type { VertexSettings } from './vertexLauncherOptions.js';

/** What one sweep job becomes on Vertex AI, whichever way it is submitted. */
export interface VertexJobSpec {
  readonly displayName: string;
  /** Arguments of the image's `cls` entrypoint: `train`, the job's overrides, then the GCS locations. */
  readonly args: readonly string[];
  /** The job's run directory on GCS. */
  readonly output: GcsLocation;
}

// Vertex AI rejects display names longer than 128 characters.
const MAX_DISPLAY_NAME = 128;
// The launcher's and the sweep's own settings mean nothing inside a single job; the run dir is set below.
const LAUNCHER_ONLY = /^[+~]*hydra\.(launcher|sweep|run\.dir)([.=]|$)/;
// What the display name leaves out to stay short.
const NOT_SHOWN = /^[+~]*(hydra[./=]|plugins=)/;

/**
 * The custom job for `job`: its run directory, relative to `cwd` (the sweep's `multirun/<date>/<time>/<subdir>`),
 * is mirrored under `output_uri` so sweeps never overwrite each other; the container sees it, and the data, through
 * Vertex AI's Cloud Storage FUSE mount.
 */
export function vertexJobSpec(job: SweepJob, settings: VertexSettings, cwd: string): VertexJobSpec {
  const output = gcsChild(settings.output, jobDirectory(job.runDir, cwd));
  const args = [
    'train',
    ...job.overrides.filter((override) => !LAUNCHER_ONLY.test(override)),
    `hydra.run.dir=${gcsFusePath(output)}`,
    ...(settings.data === null ? [] : [`data.root=${gcsFusePath(settings.data)}`]),
  ];
  const shown = job.overrides.filter((override) => !NOT_SHOWN.test(override));
  const label = shown.length === 0 ? '' : ` ${shown.join(' ')}`;
  const displayName = `${settings.displayNamePrefix}-${job.num}${label}`.slice(0, MAX_DISPLAY_NAME);
  return { displayName, args, output };
}

function jobDirectory(runDir: string, cwd: string): string {
  const inside = relative(cwd, runDir);
  // A sweep directory outside the working directory keeps its whole path.
  const path = inside === '' || inside.startsWith('..') || isAbsolute(inside) ? runDir : inside;
  return path
    .split(sep)
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}
