import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeImageFolder } from './makeImageFolder.js';
import { runCliInProcess } from './runCliInProcess.js';

/** Each bad input exits non-zero with one readable line naming the problem, and leaves no run behind. */
describe('cls train rejects bad input before any work', () => {
  const expectOneLineError = async (args: string[], pattern: RegExp) => {
    const runDir = join(mkdtempSync(join(tmpdir(), 'cls-bad-')), 'run');
    const run = await runCliInProcess(['train', ...args, `hydra.run.dir=${runDir}`]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cls: /);
    expect(lines[0]).toMatch(pattern);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    return { run, runDir };
  };

  it('a wrong value type names the key', async () => {
    const { runDir } = await expectOneLineError(['trainer.max_epochs=abc'], /trainer\.max_epochs/);
    expect(existsSync(runDir)).toBe(false);
  });

  it('a typo in a key suggests the right one', async () => {
    await expectOneLineError(['trainer.max_epoch=3'], /trainer\.max_epoch.*max_epochs/);
  });

  it('an unknown model lists the options', async () => {
    await expectOneLineError(['model=resnet51'], /resnet51.*resnet18.*resnet50/);
  });

  it('a missing data.root says how to pass it', async () => {
    await expectOneLineError(['data=imagefolder', 'trainer.max_epochs=1'], /data\.root/);
  });

  it('a split with no images names the split', async () => {
    const root = await makeImageFolder({ classes: ['1', '2'], perClass: { train: 2, valid: 1, test: 1 } });
    mkdirSync(join(root, 'empty-test', 'x'), { recursive: true });
    const emptyRoot = mkdtempSync(join(tmpdir(), 'cls-empty-'));
    mkdirSync(join(emptyRoot, 'train', '1'), { recursive: true });
    await expectOneLineError([`data.root=${emptyRoot}`, 'data.image_size=32'], /train/);
    expect(readdirSync(emptyRoot)).toEqual(['train']);
  });

  it('a missing data.root directory names the path', async () => {
    await expectOneLineError(['data.root=/no/such/dataset'], /\/no\/such\/dataset/);
  });

  it('prints the stack with --verbose', async () => {
    const run = await runCliInProcess(['train', 'trainer.max_epochs=abc', '--verbose']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\n\s+at /);
  });
});
