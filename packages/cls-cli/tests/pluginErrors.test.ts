import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './runCliInProcess.js';

const crashing = fileURLToPath(new URL('./fixtures/crashing-plugin', import.meta.url));
const sweepDir = () => `hydra.sweep.dir=${join(mkdtempSync(join(tmpdir(), 'cls-plugin-errors-')), 'sweep')}`;
const crashRun = (...flags: string[]) =>
  runCliInProcess([
    'train',
    '-m',
    ...flags,
    'seed=1,2',
    `plugins=[${crashing}]`,
    'hydra.launcher.name=crashing',
    sweepDir(),
  ]);

describe('a crash inside a plugin', () => {
  it('is one line naming the plugin', async () => {
    const run = await crashRun();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('cls: [cls-plugin-crashing>crashing] create failed: boom inside the plugin\n');
  });

  it("shows the plugin's own frames with --verbose", async () => {
    const run = await crashRun('--verbose');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Caused by: Error: boom inside the plugin');
    expect(run.stderr).toMatch(/at explode \(.*crashing-plugin\/index\.js:\d+:\d+\)/);
  });
});

describe('a plugin that cannot be loaded', () => {
  const internal = /cls-core|registry\.js|imported from/;

  it('names a package that is not installed, not the module that imports it', async () => {
    const run = await runCliInProcess(['train', '--cfg', 'job', 'plugins=[cls-plugin-not-installed]']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^cls: cannot load plugin "cls-plugin-not-installed": package cls-plugin-not-installed is not installed/,
    );
    expect(run.stderr).not.toMatch(internal);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names a path that does not exist', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cls-plugin-path-'));
    const run = await runCliInProcess(['train', '--cfg', 'job', 'plugins=[./plugins/missing.js]'], cwd);
    expect(run.stderr).toBe(
      `cls: cannot load plugin "./plugins/missing.js": ${join(cwd, 'plugins', 'missing.js')} does not exist\n`,
    );
  });
});
