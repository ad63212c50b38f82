import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './runCliInProcess.js';

describe('the one-line error', () => {
  it('prints control characters from a path as visible escapes', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cls-escape-'));
    const root = join(cwd, 'data\u001b[2J\u001b]0;owned\u0007');
    const run = await runCliInProcess(['train', 'data=imagefolder', `data.root=${root}`], cwd);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cls: .*data\\x1b\[2J\\x1b\]0;owned\\x07/);
    // eslint-disable-next-line no-control-regex -- no raw control character may reach the terminal
    expect(run.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f]/);
  });
});
