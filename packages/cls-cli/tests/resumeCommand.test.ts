import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cliArgs.js';
import { resumeCommand } from '../src/resumeCommand.js';
import { makeImageFolder } from './makeImageFolder.js';
import { runWithSignals, type SignalledRun } from './processWithSignals.js';

const bin = fileURLToPath(new URL('../bin/cls.js', import.meta.url));

/** Runs a shell command line in `cwd` with `cls` meaning this checkout's CLI; SIGINT once `interruptAfter` shows. */
function shell(line: string, cwd: string, interruptAfter?: string): Promise<SignalledRun> {
  const script = `cls() { exec "${process.execPath}" "${bin}" "$@"; }\n${line}`;
  return runWithSignals('sh', ['-c', script], {
    cwd,
    ...(interruptAfter === undefined
      ? {}
      : { plan: { after: interruptAfter, signals: [{ signal: 'SIGINT', delayMs: 0 }] } }),
  });
}

describe('resumeCommand', () => {
  it('pins the default run directory (relative to the working directory) and asks for ckpt_path=last', () => {
    const args = parseCliArgs(['train', 'data.root=./digits', 'trainer.max_epochs=3']);
    expect(resumeCommand(args, '/work/outputs/2026-01-02/03-04-05', '/work')).toBe(
      'cls train data.root=./digits trainer.max_epochs=3 hydra.run.dir=outputs/2026-01-02/03-04-05 ckpt_path=last',
    );
  });

  it('replaces a ckpt_path and hydra.run.dir given, keeps the config flags and quotes what the shell would split', () => {
    const args = parseCliArgs([
      'train',
      '--config-dir',
      'my configs',
      '--config-name',
      'jerseys',
      'ckpt_path=best',
      '+tags=[a, b]',
      'hydra.run.dir=runs/x',
    ]);
    expect(resumeCommand(args, '/elsewhere/runs/x', '/work')).toBe(
      "cls train --config-dir 'my configs' --config-name jerseys '+tags=[a, b]' hydra.run.dir=/elsewhere/runs/x ckpt_path=last",
    );
  });
});

describe('cls train interrupted without hydra.run.dir', () => {
  it('prints a command that continues the same run, and running it resumes from checkpoints/last', async () => {
    const root = await makeImageFolder({ classes: ['1', '2'], perClass: { train: 8, valid: 2, test: 2 } });
    const cwd = mkdtempSync(join(tmpdir(), 'cls-resume-hint-'));
    const args = `data.root=${root} data.image_size=32 data.batch_size=4 trainer.max_epochs=2 +notes.owner=me`;
    const interrupted = await shell(`cls train ${args}`, cwd, 'epoch 1/2');
    expect(interrupted.code).toBe(130);
    const hint =
      /interrupted; resume exactly where it stopped \(weights, optimizer state, epoch and position\) with: (cls train .*)$/m.exec(
        interrupted.output,
      );
    expect(hint?.[1]).toMatch(/ hydra\.run\.dir=outputs\/\S+ ckpt_path=last$/);
    expect(interrupted.output).not.toMatch(/not restored yet/);
    const runDir = join(cwd, /hydra\.run\.dir=(\S+)/.exec(hint?.[1] ?? '')?.[1] ?? '');
    expect(existsSync(join(runDir, 'checkpoints', 'last'))).toBe(true);
    // A key + added that no schema claims is kept in the run config, with a warning naming it.
    expect(interrupted.output).toMatch(/notes\.owner: added with \+, used by no schema/);
    expect(readFileSync(join(runDir, '.hydra', 'config.yaml'), 'utf8')).toMatch(/notes:\n {2}owner: me/);

    const resumed = await shell(hint?.[1] ?? 'false', cwd);
    expect(resumed.code).toBe(0);
    expect(resumed.output).toContain(`resuming from ${join(runDir, 'checkpoints', 'last')}`);
  }, 300_000);
});
