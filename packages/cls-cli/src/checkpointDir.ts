import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ClsError } from '@nextplay/cls-core';
import { resolveCheckpointDir, resolveCkptPath } from '@nextplay/cls-engine';

const RUN_CHECKPOINTS = ['last', 'best'];

/**
 * The checkpoint directory `ckpt_path` names for `cls test` and `cls predict`: `last` and `best` are those of the
 * run directory (as for `cls train`), anything else is a path from the working directory. A missing `last`/`best`
 * is reported with how to point at the training run.
 */
export async function checkpointDir(ckptPath: string, runDir: string, cwd: string): Promise<string> {
  if (!RUN_CHECKPOINTS.includes(ckptPath)) return resolve(cwd, ckptPath);
  const dir = resolveCkptPath(ckptPath, runDir);
  if (!existsSync(await resolveCheckpointDir(dir))) {
    throw new ClsError('CHECKPOINT_NOT_FOUND', `ckpt_path=${ckptPath}: ${dir} does not exist`, {
      hint: "pass hydra.run.dir=<the training run's directory>, or ckpt_path=<checkpoint dir>",
    });
  }
  return dir;
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
