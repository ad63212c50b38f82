import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCliInProcess } from './runCliInProcess.js';

const hydraOf = (stdout: string) => (parse(stdout) as { hydra: { launcher: Record<string, unknown> } }).hydra;

/** `hydra/launcher=<option>` chooses the multirun launcher with Hydra's own syntax. */
describe('the hydra/launcher config group', () => {
  it('defaults to basic and is switched with hydra/launcher=vertex', async () => {
    const basic = await runCliInProcess(['train', '--cfg', 'hydra']);
    expect(hydraOf(basic.stdout).launcher).toEqual({ name: 'basic' });
    const vertex = await runCliInProcess([
      'train',
      '--cfg',
      'hydra',
      'hydra/launcher=vertex',
      'hydra.launcher.project=my-project',
    ]);
    expect(vertex.stderr).toBe('');
    expect(hydraOf(vertex.stdout).launcher).toMatchObject({
      name: 'vertex',
      project: 'my-project',
      region: 'us-central1',
    });
  });

  it('hydra/launcher=basic is accepted; +hydra/launcher=basic says how to change it instead', async () => {
    expect((await runCliInProcess(['train', '--cfg', 'hydra', 'hydra/launcher=basic'])).code).toBe(0);
    const added = await runCliInProcess(['train', '--cfg', 'hydra', '+hydra/launcher=basic']);
    expect(added.code).toBe(1);
    expect(added.stderr).toBe(
      'cls: +hydra/launcher=basic: group hydra/launcher is already in the defaults list; use hydra/launcher=basic to change it\n',
    );
  });

  it('the chosen launcher runs the sweep: vertex checks its options before anything is written', async () => {
    const sweepDir = join(mkdtempSync(join(tmpdir(), 'cls-launcher-')), 'sweep');
    const run = await runCliInProcess([
      'train',
      '-m',
      'hydra/launcher=vertex',
      'seed=1,2',
      'data.root=/unused',
      `hydra.sweep.dir=${sweepDir}`,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^cls: hydra\.launcher\.project: the vertex launcher needs the Google Cloud project id/,
    );
    expect(existsSync(sweepDir)).toBe(false);
  });

  it('names the options of an unknown launcher', async () => {
    const run = await runCliInProcess(['train', '--cfg', 'hydra', 'hydra/launcher=joblib']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no such option in group hydra\/launcher; available: basic, vertex/);
  });
});
