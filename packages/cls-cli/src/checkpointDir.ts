import { existsSync } from 'node:fs';
import { ClsError } from '@nextplay/cls-core';
import { resolveCheckpointDir, resolveCkptPath } from '@nextplay/cls-engine';

/**
 * The checkpoint directory `ckpt_path` names for `cls test`, `cls predict` and `cls export`: `last` and `best` are
 * those of the run directory (as for `cls train`), anything else is a path from the working directory, which must
 * exist. A missing `last`/`best` is reported with how to point at the training run.
 */
export async function checkpointDir(ckptPath: string, runDir: string, cwd: string): Promise<string> {
  const path = await resolveCkptPath(ckptPath, runDir, {
    cwd,
    missingHint: "pass hydra.run.dir=<the training run's directory>, or ckpt_path=<checkpoint dir>",
  });
  if (!existsSync(await resolveCheckpointDir(path))) {
    throw new ClsError('CHECKPOINT_NOT_FOUND', `ckpt_path=${ckptPath}: ${path} does not exist`, {
      hint: 'ckpt_path=<checkpoint dir>, or ckpt_path=best|last with hydra.run.dir=<training run dir>',
    });
  }
  return path;
}

/** `ckpt_path`, which `command` cannot run without. */
export function requireCkptPath(ckptPath: string | null, command: string): string {
  if (ckptPath === null) {
    throw new ClsError('CONFIG_MISSING_VALUE', `ckpt_path is required for cls ${command}`, {
      hint: 'ckpt_path=<checkpoint dir>, or ckpt_path=best|last with hydra.run.dir=<training run dir>',
    });
  }
  return ckptPath;
}
