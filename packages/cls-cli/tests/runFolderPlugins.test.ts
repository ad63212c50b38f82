import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCliInProcess } from './runCliInProcess.js';

/**
 * A run folder shared by someone else (issue #17): its `.hydra/config.yaml` names a plugin that would write a
 * marker file when imported. Checkpoint commands pointed at the run must not import it.
 */
let cwd: string;
const marker = () => join(cwd, 'evil-ran');

function sharedRun(config: string): string {
  const run = join(cwd, 'shared', 'evil_run');
  mkdirSync(join(run, '.hydra'), { recursive: true });
  mkdirSync(join(run, 'checkpoints', 'best'), { recursive: true });
  writeFileSync(join(run, '.hydra', 'config.yaml'), config);
  writeFileSync(
    join(run, 'evil.mjs'),
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker())}, 'ran');\n` +
      `export default { kind: 'model', name: 'evil_net', package: 'evil', optionsSchema: {}, create: () => null };\n`,
  );
  writeFileSync(join(cwd, 'img.png'), '');
  return run;
}

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'cls-run-plugins-'));
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(cwd, { recursive: true, force: true });
});

describe("a training run's recorded plugins", () => {
  for (const [command, ...extra] of [
    ['predict', 'input=img.png'],
    ['test'],
    ['export', 'export.output=x.onnx'],
  ] as const) {
    it(`are not imported by cls ${command} ckpt_path=<run>/checkpoints/best`, async () => {
      sharedRun('plugins:\n  - ./shared/evil_run/evil.mjs\n');
      const logged: string[] = [];
      const capture = (chunk: unknown) => (logged.push(String(chunk)), true);
      vi.spyOn(process.stdout, 'write').mockImplementation(capture);
      vi.spyOn(process.stderr, 'write').mockImplementation(capture);
      const run = await runCliInProcess(
        [command, 'ckpt_path=shared/evil_run/checkpoints/best', ...extra],
        cwd,
      );
      vi.restoreAllMocks();
      expect(existsSync(marker())).toBe(false);
      expect(run.code).not.toBe(0); // the checkpoint directory is empty
      expect(logged.join('')).toContain(
        `the training run used plugins=[./shared/evil_run/evil.mjs], which are not loaded from a run folder; ` +
          `pass plugins=[./shared/evil_run/evil.mjs] if you trust them`,
      );
    });
  }

  it('are named in the error when the model they provided is unknown', async () => {
    sharedRun('plugins:\n  - ./shared/evil_run/evil.mjs\nmodel:\n  arch: evil_net\n');
    const run = await runCliInProcess(
      ['predict', 'ckpt_path=shared/evil_run/checkpoints/best', 'input=img.png'],
      cwd,
    );
    expect(existsSync(marker())).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cls: .*no model plugin named "evil_net"/);
    expect(run.stderr).toContain('pass plugins=[./shared/evil_run/evil.mjs] if you trust them');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('load when the command line names them', async () => {
    sharedRun('plugins:\n  - ./shared/evil_run/evil.mjs\n');
    await runCliInProcess(
      [
        'predict',
        'ckpt_path=shared/evil_run/checkpoints/best',
        'input=img.png',
        'plugins=[./shared/evil_run/evil.mjs]',
      ],
      cwd,
    );
    expect(existsSync(marker())).toBe(true);
  });
});
