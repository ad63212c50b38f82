import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cliArgs.js';
import { resumeCommand } from '../src/resumeCommand.js';
import { runCliInProcess } from './runCliInProcess.js';

/** A project with `configs/mytrain.yaml` and `myconf/other.yaml`, each a primary config over `train`. */
function project(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'cls-hydra-options-'));
  for (const [dir, name] of [
    ['configs', 'mytrain'],
    ['myconf', 'other'],
  ] as const) {
    mkdirSync(join(cwd, dir));
    writeFileSync(join(cwd, dir, `${name}.yaml`), `defaults:\n  - train\n  - _self_\n\ntask_name: ${name}\n`);
  }
  return cwd;
}

const taskName = async (cwd: string, ...flags: string[]) => {
  const run = await runCliInProcess(['train', '--cfg', 'job', ...flags], cwd);
  return /^task_name: (.*)$/m.exec(run.stdout)?.[1] ?? run.stderr;
};

describe("Hydra's command-line options", () => {
  it('take the short forms -cn, -cp and -cd, and a config name with .yaml', async () => {
    const cwd = project();
    expect(await taskName(cwd, '-cn', 'mytrain')).toBe('mytrain');
    expect(await taskName(cwd, '-cn=mytrain.yaml')).toBe('mytrain');
    expect(await taskName(cwd, '--config-name', 'mytrain.yaml')).toBe('mytrain');
    expect(await taskName(cwd, '-cd', 'myconf', '-cn', 'other')).toBe('other');
    expect(await taskName(cwd, '--config-path', 'myconf', '--config-name', 'other')).toBe('other');
    // --config-path replaces ./configs: its mytrain.yaml is not found.
    expect(await taskName(cwd, '-cp', 'myconf', '-cn', 'mytrain')).toMatch(/^cls: .*mytrain/);
  });

  it('refuse a --config-path that is not a folder', async () => {
    const cwd = project();
    const run = await runCliInProcess(['train', '--cfg', 'job', '-cp', 'nope'], cwd);
    expect(run).toMatchObject({
      code: 2,
      stderr: `cls: --config-path nope: ${join(cwd, 'nope')} is not a folder\n`,
    });
  });

  it('are kept by the resume command', () => {
    const args = parseCliArgs(['train', '-cp', 'myconf', '-cn', 'other.yaml', 'seed=1']);
    expect(resumeCommand(args, '/runs/a', '/work')).toBe(
      'cls train --config-path myconf --config-name other seed=1 hydra.run.dir=/runs/a ckpt_path=last',
    );
  });
});
